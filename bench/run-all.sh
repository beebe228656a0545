#!/usr/bin/env bash
# Every benchmark of BENCHMARKS.md, one after the other, each table into $OUT (default target/bench).
# The full Fashion-MNIST set is read from $FASHION_MNIST (Debian's dataset-fashion-mnist package
# installs it in /usr/share/datasets/fashion-mnist). Takes about three hours on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-target/bench}"
DATA="${FASHION_MNIST:-/usr/share/datasets/fashion-mnist}"
mkdir -p "$OUT"
run() { local name="$1"; shift; echo "== $name: $*" >&2; "$@" > "$OUT/$name.md" 2> "$OUT/$name.log"; }
# plain DL4J: its default Export approach where DL4J allows it (a local[...] master); on local-cluster with a
# file:// default file system DL4J refuses Export, so it runs Direct, cached deserialised, splits not repartitioned
run training-mlp-local    bench/training-benchmark.sh "$DATA" 60000 mlp 1 3 'local[2]' 2 32 5 export
run training-mlp-cluster  bench/training-benchmark.sh "$DATA" 60000 mlp 1 3 'local-cluster[2,1,2560]' 2 32 5 direct-cached
run training-cnn-local    bench/training-benchmark.sh "$DATA" 60000 cnn 1 3 'local[2]' 2 32 5 export
run training-cnn-cluster  bench/training-benchmark.sh "$DATA" 60000 cnn 1 3 'local-cluster[2,1,2560]' 2 32 5 direct-cached
run whole-process-local   bench/whole-process.sh "$DATA" 'local[2]' 3 export
run round-profile-cluster bench/round-profile.sh "$DATA" 12000 'local-cluster[2,1,2560]' 2 32 5 direct-cached 3
run aggregation           bench/aggregation-benchmark.sh 256,2560,25600 2,4,8 1 3 driver,executors,patm
run core                  bench/core-benchmark.sh
# checkpoint persist as a driver writes it: 1M on the heap, 10M and 50M off it, warm code
run persist-heap          bench/core-benchmark.sh --fs=file,hdfs --commits=0 --sizesMb= --params=1M --repeats=9 --warmupPersists=2000
run persist-offheap       bench/core-benchmark.sh --fs=file,hdfs --commits=0 --sizesMb= --params=10M,50M --repeats=9 --offHeap=true --warmupPersists=2000
run checkpoint-stall      bench/checkpoint-stall.sh both 1,10,50 5
run recovery-1m           bench/recovery-benchmark.sh 62500 3 1
run recovery-10m          bench/recovery-benchmark.sh 625000 3 1
run policy-simulation     bench/policy-simulation.sh
run policy-warnings       bench/policy-simulation.sh -Dsim.table=warnings
echo "tables in $OUT" >&2
