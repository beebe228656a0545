package io.txtrain.bench;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.spark.testing.ChildJvm;

/**
 * Recovery after a lost driver: a training driver ({@link RecoveryChild}, Spark local-cluster) is
 * SIGKILLed after round k; a new driver is started on the same directory and timed from its start
 * to its first newly committed round, for two model sizes and three amounts of replay (checkpoint
 * every round; only the initial checkpoint, killed early and late). Next to it, in the same run: a
 * fresh driver without a checkpoint directory's help (restart from scratch) timed to the same
 * round, and its memory (peak heap, live heap, peak RSS) for each model size.
 *
 * <p>args: [hidden units, comma list (16 H parameters)] [repeats] [epochs] [base dir]. This JVM's
 * {@code spark.*} system properties go to every driver (e.g. {@code -Dspark.plugins=...}).
 */
public final class RecoveryBenchmark {
    /** {policy, kill after round}. */
    private static final String[][] CASES = {{"every-rounds:1", "8"}, {"every-rounds:1000", "4"},
        {"every-rounds:1000", "12"}};

    /** This JVM's spark.* system properties (e.g. spark.plugins), passed on to every driver. */
    private static final List<String> SPARK_OPTIONS = System.getProperties().stringPropertyNames().stream()
            .filter(k -> k.startsWith("spark.")).sorted().map(k -> "-D" + k + "=" + System.getProperty(k)).toList();

    private RecoveryBenchmark() {
    }

    public static void main(String[] a) throws Exception {
        String[] hidden = (a.length > 0 ? a[0] : "62500,625000").split(",");
        int repeats = a.length > 1 ? Integer.parseInt(a[1]) : 2;
        int epochs = a.length > 2 ? Integer.parseInt(a[2]) : 1;
        Path base = Files.createTempDirectory(Paths.get(a.length > 3 ? a[3] : System.getProperty("java.io.tmpdir")),
                "txtrain-recovery-");
        File log = base.resolve("children.log").toFile();
        Map<String, List<double[]>> restarts = new LinkedHashMap<>();
        Map<String, List<double[]>> scratch = new LinkedHashMap<>();
        int n = 0;
        for (int r = 0; r < repeats; r++) {
            for (String h : hidden) {
                for (String[] c : CASES) {
                    URI dir = base.resolve("run-" + (n++)).toUri();
                    double[] m = restart(log, dir, h, epochs, c[0], Long.parseLong(c[1]));
                    restarts.computeIfAbsent(h + "|" + c[0] + "|" + c[1], k -> new ArrayList<>()).add(m);
                    System.err.printf(Locale.ROOT, "hidden %s, %s, killed after %s: %s%n", h, c[0], c[1],
                            java.util.Arrays.toString(m));
                }
                double[] s = fromScratch(log, base.resolve("run-" + (n++)).toUri(), h, epochs);
                scratch.computeIfAbsent(h, k -> new ArrayList<>()).add(s);
                System.err.printf(Locale.ROOT, "hidden %s from scratch: %s%n", h, java.util.Arrays.toString(s));
            }
        }
        System.out.printf(Locale.ROOT, "%n%d repeats (medians); file:// checkpoint directory in %s%n%n", repeats, base);
        System.out.println("| parameters | policy | killed after round | committed rounds lost | rounds replayed "
                + "| restart → Spark up (s) | → recovered, first new round committed (s) | same round from scratch (s) "
                + "| ratio | rounds redone: txtrain / epoch-end checkpoint / from scratch |");
        System.out.println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|");
        for (Map.Entry<String, List<double[]>> e : restarts.entrySet()) {
            String[] k = e.getKey().split("\\|");
            List<double[]> v = e.getValue();
            long params = 16L * Long.parseLong(k[0]) + 3;
            double killed = median(v, 0);
            double replayed = median(v, 2);
            double first = median(v, 4);
            // from scratch to the same round: the fresh run's time to round (killed + 1)
            double scratchTime = medianAt(scratch.get(k[0]), (int) killed + 1);
            int perEpoch = 15;
            System.out.printf(Locale.ROOT, "| %.1fM | %s | %.0f | %.0f | %.0f | %.1f | %.1f | %.1f | %.2f | %.0f / %d / %.0f |%n",
                    params / 1e6, k[1], killed, median(v, 1), replayed, median(v, 3), first, scratchTime,
                    first / scratchTime, replayed + 1, (int) killed % perEpoch + 1, killed + 1);
        }
        System.out.println();
        System.out.println("| parameters | model state incl. Adam (MB) | driver peak heap (MB) | driver live heap peak (MB) "
                + "| driver peak RSS (MB) |");
        System.out.println("|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<double[]>> e : scratch.entrySet()) {
            long params = 16L * Long.parseLong(e.getKey()) + 3;
            System.out.printf(Locale.ROOT, "| %.1fM | %.0f | %.0f | %.0f | %.0f |%n", params / 1e6, params * 12 / 1e6,
                    median(e.getValue(), 0), median(e.getValue(), 1), median(e.getValue(), 2));
        }
    }

    /**
     * {killed after round, committed rounds lost, rounds replayed, restart→context s, restart→first new
     * committed round s}.
     */
    private static double[] restart(File log, URI dir, String hidden, int epochs, String policy, long killAfter)
            throws Exception {
        try (ChildJvm first = ChildJvm.start(RecoveryChild.class, log, SPARK_OPTIONS, dir.toString(), hidden,
                "" + epochs, policy)) {
            String line;
            while ((line = first.nextLine(600)) != null) {
                if (line.startsWith("ROUND ") && Long.parseLong(line.split(" ")[1]) >= killAfter) {
                    break;
                }
            }
            first.kill();
        }
        RecoveryPlan before = RecoveryDirectory.inspect(dir, new Configuration());
        long committed = before.lastCommittedRound();
        long restartAt = System.currentTimeMillis();
        double context = 0;
        double firstNew = 0;
        try (ChildJvm second = ChildJvm.start(RecoveryChild.class, log, SPARK_OPTIONS, dir.toString(), hidden,
                "" + epochs, policy)) {
            String line;
            while ((line = second.nextLine(600)) != null) {
                String[] f = line.split(" ");
                if (f[0].equals("CONTEXT")) {
                    context = (Long.parseLong(f[1]) - restartAt) / 1e3;
                } else if (f[0].equals("ROUND") && Long.parseLong(f[1]) > committed) {
                    firstNew = (Long.parseLong(f[2]) - restartAt) / 1e3;
                    break;
                }
            }
            second.kill();
        }
        RecoveryPlan after = RecoveryDirectory.inspect(dir, new Configuration());
        long lost = 0;
        for (RoundRecord r : before.chain().rounds()) {
            RoundRecord now = after.chain().rounds().stream().filter(x -> x.round() == r.round()).findFirst()
                    .orElse(null);
            boolean retired = after.chain().rounds().isEmpty() || r.round() < after.chain().rounds().get(0).round();
            if (!retired && (now == null || !now.stateChecksumHex().equals(r.stateChecksumHex()))) {
                lost++;
            }
        }
        List<RecoveryEvent> events = after.chain().recoveries();
        long replayed = events.get(events.size() - 1).replayedRounds();
        return new double[] {committed, lost, replayed, context, firstNew};
    }

    /** {peak heap MB, live heap peak MB, peak RSS MB, then seconds from start to each round 1..}. */
    private static double[] fromScratch(File log, URI dir, String hidden, int epochs) throws Exception {
        List<Double> out = new ArrayList<>(List.of(0.0, 0.0, 0.0));
        long start = System.currentTimeMillis();
        try (ChildJvm c = ChildJvm.start(RecoveryChild.class, log, SPARK_OPTIONS, dir.toString(), hidden, "" + epochs,
                "every-rounds:1000")) {
            String line;
            while ((line = c.nextLine(600)) != null) {
                String[] f = line.split(" ");
                if (f[0].equals("ROUND")) {
                    out.add((Long.parseLong(f[2]) - start) / 1e3);
                } else if (f[0].equals("MEMORY")) {
                    out.set(0, Double.parseDouble(f[1]));
                    out.set(1, Double.parseDouble(f[2]));
                    out.set(2, Double.parseDouble(f[3]));
                }
            }
            if (c.waitFor(120) != 0) {
                throw new IllegalStateException("the from-scratch run failed; see " + log);
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double medianAt(List<double[]> rows, int round) {
        List<Double> v = new ArrayList<>();
        for (double[] r : rows) {
            v.add(r[2 + round]);
        }
        return median(v);
    }

    private static double median(List<double[]> rows, int col) {
        List<Double> v = new ArrayList<>();
        for (double[] r : rows) {
            v.add(r[col]);
        }
        return median(v);
    }

    private static double median(List<Double> v) {
        Collections.sort(v);
        int s = v.size();
        return s % 2 == 1 ? v.get(s / 2) : (v.get(s / 2 - 1) + v.get(s / 2)) / 2;
    }
}
