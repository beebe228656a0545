#!/usr/bin/env bash
# Where a round's time goes, txtrain vs plain ParameterAveragingTrainingMaster (Spark listener + DL4J stats).
# usage: bench/round-profile.sh DATA_DIR IMAGES MASTER [WORKERS] [BATCH] [AVERAGING] [export|direct-cached] [REPEATS]
#   extra Spark settings: BENCH_JAVA_OPTS='-Dprofile.conf=spark.locality.wait=0s,...'
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/java-main examples io.txtrain.bench.RoundProfile "$1" "$2" "$3" "${4:-2}" "${5:-32}" "${6:-5}" \
  "${7:-direct-cached}" "${8:-3}"
