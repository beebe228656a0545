#!/usr/bin/env bash
# Recovery after a driver SIGKILL: restart to first newly committed round vs model size and rounds
# replayed, against a restart from scratch; driver memory vs model size.
# usage: bench/recovery-benchmark.sh [HIDDEN,...] [REPEATS] [EPOCHS] [DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx1g -Dtxtrain.childXmx=4g}" exec bench/java-main txtrain-spark io.txtrain.bench.RecoveryBenchmark \
  "${1:-62500,625000}" "${2:-2}" "${3:-1}" "${4:-${TMPDIR:-/tmp}}"
