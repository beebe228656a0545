#!/usr/bin/env bash
# Epoch time and accuracy: txtrain vs plain ParameterAveragingTrainingMaster vs one JVM without Spark.
# usage: bench/training-benchmark.sh [DATA_DIR] [IMAGES] [mlp|cnn] [EPOCHS] [REPEATS] [MASTER] [WORKERS] [BATCH_PER_WORKER] [AVERAGING_FREQUENCY] [export|direct|direct-cached]
set -euo pipefail
cd "$(dirname "$0")/.."
exec bench/java-main examples io.txtrain.bench.TrainingBenchmark "${1:-data/fashion-mnist-subset}" "${2:-3000}" \
  "${3:-mlp}" "${4:-2}" "${5:-3}" "${6:-local[2]}" "${7:-2}" "${8:-32}" "${9:-5}" "${10:-export}"
