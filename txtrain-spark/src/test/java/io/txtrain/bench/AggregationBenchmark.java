package io.txtrain.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import io.txtrain.spark.testing.ChildJvm;

/**
 * Aggregation off the driver: driver live heap after GC and time per round against workers and
 * model size, for txtrain averaging on the driver, txtrain averaging on the executors and plain
 * DL4J ParameterAveragingTrainingMaster, each cell a fresh driver JVM on local-cluster
 * ({@link AggregationChild}). The trainers' order rotates every repeat; medians.
 *
 * <p>args: hidden units (comma list; 795 H + 10 parameters) workers (comma list) repeats rounds (per
 * epoch, for H >= 10000; four times as many below) [trainers, comma list of driver | executors | patm]
 * [listener: true (default) to time txtrain's rounds one by one, false to measure the heap without it]
 * [sampleMs: above 0, also the largest live set of full-GC class histograms taken every that many ms
 * ({@link LiveSetSampler}; slows the run, so its times are not comparable)]
 */
public final class AggregationBenchmark {
    private AggregationBenchmark() {
    }

    public static void main(String[] a) throws Exception {
        String[] hidden = a[0].split(",");
        String[] workerCounts = a[1].split(",");
        int repeats = Integer.parseInt(a[2]);
        int rounds = Integer.parseInt(a[3]);
        String[] trainers = (a.length > 4 ? a[4] : "driver,executors,patm").split(",");
        String listener = a.length > 5 ? a[5] : "true";
        String sampleMs = a.length > 6 ? a[6] : "0";
        Path base = Files.createTempDirectory("txtrain-agg-bench-");
        File log = base.resolve("children.log").toFile();
        System.err.println("child logs: " + log);
        Map<String, List<double[]>> cells = new TreeMap<>();
        Map<String, String> state = new TreeMap<>();
        for (int r = 0; r < repeats; r++) {
            for (String h : hidden) {
                for (String w : workerCounts) {
                    int workers = Integer.parseInt(w);
                    int executors = Math.min(workers, 4); // 8 workers: 2 per executor
                    int executorMb = Integer.parseInt(h) >= 10000 ? 2048 : 1024;
                    for (int i = 0; i < trainers.length; i++) {
                        String t = trainers[(i + r) % trainers.length];
                        String key = String.format(Locale.ROOT, "%08d|%02d|%s", Integer.parseInt(h), workers, t);
                        int cellRounds = Integer.parseInt(h) >= 10000 ? rounds : 4 * rounds;
                        double[] m = cell(log, t, workers, h, cellRounds, executors, executorMb, listener, sampleMs, state, key);
                        cells.computeIfAbsent(key, k -> new ArrayList<>()).add(m);
                        System.err.printf(Locale.ROOT, "repeat %d hidden %s workers %d %s: %s (load %s)%n", r + 1, h,
                                workers, t, m == null ? "failed" : String.format(Locale.ROOT,
                                        "%.1f ms/round (steady %.1f), live %.0f MB, peak %.0f MB, sampled live set"
                                                + " %.0f MB (byte[] %.0f MB, %.0f samples)", m[0], m[3], m[1], m[2], m[5],
                                        m[6], m[7]),
                                load());
                    }
                }
            }
        }
        System.out.println("| parameters | state (MB) | workers | trainer | time per round (ms) | txtrain steady round (ms) | driver live heap after GC (MB) | live heap / state | driver heap peak (MB) | driver peak RSS (MB) | sampled live set (MB) | sampled live set / state | runs |");
        System.out.println("|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Map.Entry<String, List<double[]>> e : cells.entrySet()) {
            String[] k = e.getKey().split("\\|");
            List<double[]> ok = e.getValue().stream().filter(m -> m != null).toList();
            String[] s = state.getOrDefault(e.getKey(), "? ?").split(" ");
            if (ok.isEmpty()) {
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | failed | | | | | | | | 0/%d |%n", s[0], s[1],
                        Integer.parseInt(k[1]), name(k[2]), e.getValue().size());
                continue;
            }
            double live = median(ok, 1);
            double steady = median(ok, 3);
            double sampled = median(ok, 5);
            System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %.0f | %s | %.0f | %.1f | %.0f | %.0f | %s | %s | %d/%d |%n",
                    s[0], s[1], Integer.parseInt(k[1]), name(k[2]), median(ok, 0), steady < 0 ? "" : String.format(
                            Locale.ROOT, "%.0f", steady), live, live / Double.parseDouble(s[1]), median(ok, 2),
                    median(ok, 4), sampled < 0 ? "" : String.format(Locale.ROOT, "%.0f", sampled),
                    sampled < 0 ? "" : String.format(Locale.ROOT, "%.1f", sampled / Double.parseDouble(s[1])),
                    ok.size(), e.getValue().size());
        }
    }

    private static String name(String t) {
        return switch (t) {
            case "driver" -> "txtrain, driver averaging";
            case "executors" -> "txtrain, executor averaging";
            default -> "DL4J PATM";
        };
    }

    /**
     * {ms per round, live MB, peak MB, steady ms, peak RSS MB, sampled live MB, sampled byte[] MB,
     * samples} (-1 where not measured), or null if the child failed.
     */
    private static double[] cell(File log, String trainer, int workers, String hidden, int rounds, int executors,
                                 int executorMb, String listener, String sampleMs, Map<String, String> state,
                                 String key)
            throws Exception {
        try (ChildJvm c = ChildJvm.start(AggregationChild.class, log, trainer, "" + workers, hidden, "" + rounds,
                "" + executors, "" + executorMb, listener, sampleMs)) {
            String line;
            while ((line = c.nextLine(1800)) != null) {
                if (line.startsWith("RESULT ")) {
                    String[] f = line.split(" ");
                    state.put(key, String.format(Locale.ROOT, "%.2fM %s", Long.parseLong(f[3]) / 1e6, f[4]));
                    c.waitFor(120);
                    return new double[] {Double.parseDouble(f[5]), Double.parseDouble(f[6]), Double.parseDouble(f[7]),
                        Double.parseDouble(f[8]), f.length > 9 ? Double.parseDouble(f[9]) : -1,
                        f.length > 12 ? Double.parseDouble(f[10]) : -1, f.length > 12 ? Double.parseDouble(f[11]) : -1,
                        f.length > 12 ? Double.parseDouble(f[12]) : 0};
                }
            }
            return null;
        }
    }

    private static double median(List<double[]> v, int i) {
        double[] x = v.stream().mapToDouble(m -> m[i]).sorted().toArray();
        return x.length % 2 == 1 ? x[x.length / 2] : (x[x.length / 2 - 1] + x[x.length / 2]) / 2;
    }

    private static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
