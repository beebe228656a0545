#!/usr/bin/env bash
# The fault campaign of RELIABILITY.md: randomised faults on a local HDFS (MiniDFSCluster in its own
# JVM) and Spark local-cluster training drivers; exits non-zero if an invariant is broken.
# usage: bench/fault-campaign.sh [--faults=30] [--seed=1] [--kinds=ALL|DRIVER_KILL,...] [--epochs=2]
#        [--hidden=2048] [--work=target/campaign] [--report=target/campaign/report.md]
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:--Xmx2g}" exec bench/java-main txtrain-spark io.txtrain.campaign.FaultCampaign "$@"
