#!/usr/bin/env bash
# The plugin's GPU monitoring (GpuProbe) against a real nvidia-smi. Builds a self-contained bundle in
# target/gpu-check (the plugin's classes, slf4j-api, GpuCheck and a jlink'd Java runtime of ~35 MB),
# so that it also runs on a GPU machine without Java: copy the folder there and run
#   target/gpu-check/jre/bin/java -cp target/gpu-check:target/gpu-check/classes:target/gpu-check/slf4j-api.jar GpuCheck
# usage: bench/gpu-probe-check.sh [--bundle-only]
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/gpu-check
mvn -q -B -ntp -pl txtrain-spark -am compile dependency:build-classpath -Dmdep.outputFile=target/gpu-cp.txt >&2
rm -rf "$out" && mkdir -p "$out/classes"
cp -r txtrain-core/target/classes/io "$out/classes/"
cp -r txtrain-spark/target/classes/io "$out/classes/"
cp "$(tr ':' '\n' < txtrain-spark/target/gpu-cp.txt | grep '/slf4j-api-')" "$out/slf4j-api.jar"
javac -cp "$out/classes:$out/slf4j-api.jar" -d "$out" bench/gpu-check/GpuCheck.java
jlink --add-modules java.base,java.logging --strip-debug --no-man-pages --no-header-files --compress=2 --output "$out/jre"
[ "${1:-}" = "--bundle-only" ] && exit 0
exec "$out/jre/bin/java" -cp "$out:$out/classes:$out/slf4j-api.jar" GpuCheck
