#!/usr/bin/env bash
# Physical redo (the round's state in the log) against logical-only logging: image bytes, encode,
# commit and restore time per round, for states of N parameters with Adam (12 bytes per parameter).
# usage: bench/physical-redo.sh [file|hdfs|both] [PARAMS,...] [ROUNDS] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx4g}" \
  exec bench/java-main txtrain-spark io.txtrain.spark.dl4j.PhysicalRedoBenchmark "${1:-both}" \
  "${2:-0.05m,0.2m,1m,4m}" "${3:-20}" "${4:-${TMPDIR:-/tmp}}"
