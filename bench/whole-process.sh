#!/usr/bin/env bash
# The whole process as a user runs it: bin/txtrain-example (one epoch, checkpoints to a new local folder)
# vs the same job with plain DL4J parameter averaging (io.txtrain.examples.PlainFashionMnist), timed from
# the command's start to its exit, alternating which goes first. Embedded Spark (local[N]) only.
# usage: bench/whole-process.sh DATA_DIR [local[N]] [REPEATS] [export|direct-cached]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
source bin/txtrain-env
data="$1"; master="${2:-local[2]}"; repeats="${3:-3}"; approach="${4:-export}"
case "$master" in local\[*) ;; *) echo "whole-process.sh: MASTER must be local[N], got $master" >&2; exit 2 ;; esac
bin/txtrain-example --help >/dev/null # builds the example's runtime class path once, outside the timing
mvn -q -B -ntp -DskipTests -pl examples -am package dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt >&2
cp="$root/examples/target/test-classes:$root/examples/target/classes:$(cat examples/target/test-classpath.txt)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
run_txtrain() {
  rm -rf "$work/ckpt"
  bin/txtrain-example --data "$data" --epochs 1 --master "$master" --checkpoint-dir "$work/ckpt" >"$work/out" 2>"$work/err"
}
run_plain() {
  java $TXTRAIN_JAVA_OPTS -cp "$cp" io.txtrain.examples.PlainFashionMnist "$data" "$master" 1 2 "$approach" \
    >"$work/out" 2>"$work/err"
}
timed() {
  local t0 t1
  t0=$(date +%s.%N)
  "$1" || { echo "$1 failed:"; tail -5 "$work/err"; exit 1; }
  t1=$(date +%s.%N)
  printf '%s %.1f %s\n' "$1" "$(echo "$t1 - $t0" | bc)" "$(grep -o 'test accuracy [0-9.]*' "$work/out")"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$repeats"); do
  if [ $((r % 2)) -eq 1 ]; then timed run_plain; timed run_txtrain; else timed run_txtrain; timed run_plain; fi
done | tee "$work/times"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$work/times" <<'PY'
import sys, statistics
t = {}
for line in open(sys.argv[1]):
    k, s = line.split()[:2]
    t.setdefault(k, []).append(float(s))
p, x = statistics.median(t["run_plain"]), statistics.median(t["run_txtrain"])
print(f"median seconds: plain DL4J {p:.1f}, txtrain {x:.1f}; txtrain / plain = {x / p:.2f} "
      f"(per repeat: {', '.join(f'{a / b:.2f}' for a, b in zip(t['run_txtrain'], t['run_plain']))})")
PY
