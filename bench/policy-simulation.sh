#!/usr/bin/env bash
# Checkpoint policy simulation: replays seeded failure traces through the adaptive policy and
# fixed-interval baselines and prints a Markdown table (deterministic; about a minute of CPU).
# Extra arguments go to Maven, e.g. -Dsim.seeds=51 -Dsim.workDays=3
# or -Dsim.conf=spark.txtrain.checkpoint.epochEarlyFraction=1.0 (adaptive settings overrides).
# -Dsim.table=warnings prints the table of traces with notices and health signals instead.
# -Dsim.table=frontier prints, for the notice traces, the adaptive policy with its interval capped at
# multiples of CheckFreq's (the price of losing less work than CheckFreq).
set -euo pipefail
cd "$(dirname "$0")/.."
exec mvn -q -o -pl txtrain-core test-compile exec:java \
  -Dexec.classpathScope=test -Dexec.mainClass=io.txtrain.bench.PolicySimulation "$@"
