#!/usr/bin/env bash
# Recovery-core benchmark: commit latency and checkpoint persist throughput on file:// and on a
# MiniDFSCluster started inside the benchmark process. Builds the test classes and the test class
# path with Maven, then runs the benchmark with plain `java` (no Maven in the measured process).
#
#   bench/core-benchmark.sh [--dir=/local/dir] [--fs=file,hdfs] [--commits=1000] [--repeats=7] [--sizesMb=10,200]
#                           [--params=1M,10M,50M]
#
# --commits=0 skips the commit latency; --params persists the state of an Adam-trained network of
# that many parameters (params, updater, cursor, config: about 12 bytes per parameter).
# --dir is where file:// runs and the MiniDFSCluster's storage go (default: java.io.tmpdir).
# Offline by default; set MVN_OFFLINE= to let Maven download.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN_OFFLINE=${MVN_OFFLINE--o}
CP_FILE=txtrain-core/target/bench-classpath.txt
mvn -q $MVN_OFFLINE -B -pl txtrain-core test-compile dependency:build-classpath \
    -Dmdep.includeScope=test -Dmdep.outputFile="$(pwd)/$CP_FILE"
# Java 17 module opens (the same as the tests use: the parent pom's txtrain.addOpens).
ADD_OPENS=$(sed -n "s:.*<txtrain.addOpens>\(--add-opens.*\)</txtrain.addOpens>.*:\1:p" pom.xml | head -1)

echo "## machine"
echo "nproc: $(nproc)"
free -g
grep -m1 'model name' /proc/cpuinfo || true
dir=$(printf '%s\n' "$@" | sed -n 's/^--dir=//p')
df -hT "${dir:-${TMPDIR:-/tmp}}"
echo "java: $(java -version 2>&1 | head -1)"
echo

# shellcheck disable=SC2086
exec java $ADD_OPENS -Xms4g -Xmx4g -XX:+UseParallelGC -XX:+AlwaysPreTouch -Xlog:gc*=warning \
    -Dlog4j2.level=WARN \
    -cp "txtrain-core/target/test-classes:txtrain-core/target/classes:$(cat "$CP_FILE")" \
    io.txtrain.bench.CoreBenchmark "$@"
