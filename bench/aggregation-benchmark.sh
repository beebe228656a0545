#!/usr/bin/env bash
# Aggregation off the driver: driver live heap after GC and time per round vs workers and model size,
# txtrain (driver / executor averaging) vs plain DL4J ParameterAveragingTrainingMaster, on local-cluster.
# usage: bench/aggregation-benchmark.sh [HIDDEN,...] [WORKERS,...] [REPEATS] [ROUNDS] [TRAINERS] [LISTENER] [SAMPLE_MS]
#   HIDDEN: units of the MLP 784-H-10 (256 ~ 0.2M, 2560 ~ 2M, 25600 ~ 20M parameters)
#   TRAINERS: comma list of driver, executors, patm; LISTENER: false to measure heap without the round timer
#   SAMPLE_MS: above 0, also sample the driver's live set with full-GC class histograms that often (slows the run)
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx1g -Dtxtrain.childXmx=4g}" exec bench/java-main txtrain-spark io.txtrain.bench.AggregationBenchmark \
  "${1:-256,2560,25600}" "${2:-2,4,8}" "${3:-3}" "${4:-4}" "${5:-driver,executors,patm}" "${6:-true}" "${7:-0}"
