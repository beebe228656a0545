#!/usr/bin/env bash
# Checkpoint stall on the training thread, asynchronous vs synchronous, and persist throughput vs a
# plain write, for states of 1M, 10M and 50M parameters (with Adam: 12 bytes per parameter).
# usage: bench/checkpoint-stall.sh [file|hdfs|both] [MILLIONS,...] [REPEATS] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xms6g -Xmx6g -XX:+UseParallelGC -XX:+AlwaysPreTouch}" \
  exec bench/java-main txtrain-spark io.txtrain.spark.dl4j.CheckpointStallBenchmark "${1:-both}" "${2:-1,10,50}" \
  "${3:-5}" "${4:-${TMPDIR:-/tmp}}"
