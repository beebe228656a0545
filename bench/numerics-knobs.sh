#!/usr/bin/env bash
# Which settings change the bits of a worker's round: fits one round (5 minibatches of 32
# Fashion-MNIST images) under ND4J/BLAS thread settings, oneDNN helpers and concurrent tasks in one
# JVM, in JVMs started with OMP_NUM_THREADS=1, 2 and 4 (unset, OpenBLAS uses one thread per core); prints each variant's state checksum
# and how many parameters differ from the first variant, by how much. "pinned" is txtrain's setting.
# usage: bench/numerics-knobs.sh [mlp|cnn]
set -euo pipefail
cd "$(dirname "$0")/.."
model="${1:-mlp}"
for omp in 1 2 4; do
  echo "== OMP_NUM_THREADS=$omp"
  OMP_NUM_THREADS="$omp" bench/java-main txtrain-spark io.txtrain.spark.dl4j.NumericsProbe "$model" default concurrent=2 \
    master=1 nd4j=1 helpers=off workspaces=none blas=2 blas=4 blas=1 pinned concurrent=2 2>/dev/null | grep -E '^(env OMP|'"$model"' )'
done
