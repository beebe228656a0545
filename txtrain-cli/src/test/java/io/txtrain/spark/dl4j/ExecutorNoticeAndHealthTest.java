package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.inspect.CheckpointStatus;
import io.txtrain.core.inspect.RunInspection;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.policy.AdaptivePolicySettings;
import io.txtrain.core.policy.HazardSettings;
import io.txtrain.core.testing.Poll;
import io.txtrain.spark.TxtrainSettings;
import io.txtrain.spark.plugin.TxtrainPlugin;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * Monitoring that acts before the failure, on real executor JVMs ({@code local-cluster[2,1,1024]},
 * {@code spark.decommission.enabled=true}, the txtrain plugin): an executor sent SIGPWR mid-round
 * announces it, a checkpoint is published before Spark reports the executor gone, and the model is
 * the fault-free one; an executor whose heap fills shortens the interval while it lasts.
 */
class ExecutorNoticeAndHealthTest {
    private static final Duration DEADLINE = Duration.ofSeconds(180);
    private static JavaSparkContext sc;
    private static JavaRDD<DataSet> data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(SparkTestSupport.localClusterConf(2, 1024, "notices")
                .set("spark.plugins", TxtrainPlugin.class.getName())
                .set("spark.txtrain.monitor.interval", "250ms")
                .set("spark.decommission.enabled", "true"));
        data = sc.parallelize(TrainingFixtures.blobs(LocalDeterminismTest.EXAMPLES, 7), 3).cache();
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static TransactionalTrainingMaster.Builder master(Path dir) {
        return LocalDeterminismTest.master(dir).checkpointPolicy("adaptive");
    }

    private static String train(TransactionalTrainingMaster tm, int epochs) {
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        for (int e = 0; e < epochs; e++) {
            net.fit(data);
        }
        String sha = tm.parametersSha256();
        tm.close();
        return sha;
    }

    private static RunInspection inspect(Path dir) throws IOException {
        FileSystem fs = FileSystem.getLocal(new Configuration());
        return RunInspection.read(DurableFs.of(fs), new DirLayout(new org.apache.hadoop.fs.Path(dir.toUri())));
    }

    private static Set<Long> publishedRounds(Path dir) throws IOException {
        return inspect(dir).checkpoints().stream().filter(CheckpointStatus::trusted).map(c -> c.ref().round())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The JVM of a live executor with its id. */
    private static String[] someExecutor() {
        for (ProcessHandle p : ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList()) {
            List<String> args = Arrays.asList(p.info().arguments().orElse(new String[0]));
            int i = args.indexOf("--executor-id");
            if (args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend") && i >= 0) {
                return new String[] {args.get(i + 1), Long.toString(p.pid())};
            }
        }
        throw new IllegalStateException("no executor JVM found");
    }

    @Test
    void sigpwrMidRoundCheckpointsBeforeTheExecutorIsGoneAndChangesNothing() throws Exception {
        String reference = train(master(tmp.resolve("reference")).build(), 1);

        Path dir = tmp.resolve("decommission");
        AtomicReference<String[]> victim = new AtomicReference<>();
        AtomicReference<String> removal = new AtomicReference<>();
        AtomicReference<Set<Long>> publishedAtRemoval = new AtomicReference<>();
        AtomicReference<Throwable> listenerError = new AtomicReference<>();
        // once round 3 is committed (round 4 is running by then, in its own job or in a stream of rounds)
        org.deeplearning4j.optimize.api.TrainingListener sigpwr = new org.deeplearning4j.optimize.api.BaseTrainingListener() {
            private int rounds;

            @Override
            public void iterationDone(org.deeplearning4j.nn.api.Model model, int iteration, int epoch) {
                if (++rounds == 3 && victim.get() == null) {
                    try {
                        String[] v = someExecutor();
                        victim.set(v);
                        Process kill = new ProcessBuilder("kill", "-PWR", v[1]).inheritIO().start();
                        assertEquals(0, kill.waitFor());
                    } catch (Exception | AssertionError e) {
                        listenerError.set(e);
                    }
                }
            }
        };
        SparkListener l = new SparkListener() {
            @Override
            public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                String[] v = victim.get();
                if (v != null && v[0].equals(e.executorId()) && removal.get() == null) {
                    try {
                        publishedAtRemoval.set(publishedRounds(dir));
                    } catch (IOException | RuntimeException ex) {
                        listenerError.set(ex);
                    }
                    removal.set(e.reason());
                }
            }
        };
        sc.sc().addSparkListener(l);
        String withNotice;
        try {
            TransactionalTrainingMaster tm = master(dir).build();
            tm.setListeners(List.of(sigpwr));
            withNotice = train(tm, 1);
            Poll.until("executor " + Arrays.toString(victim.get()) + " removed", DEADLINE,
                    () -> removal.get() != null || listenerError.get() != null);
        } finally {
            sc.sc().removeSparkListener(l);
        }
        assertEquals(null, listenerError.get());
        assertNotNull(victim.get(), "an executor was sent SIGPWR in round 4");
        String id = victim.get()[0];
        assertTrue(removal.get().startsWith("Executor decommission"), "Spark decommissioned it: " + removal.get());
        assertEquals(reference, withNotice, "the run with a decommissioned executor equals the fault-free run");

        // The log says when the notice came and which checkpoint it caused.
        List<RoundRecord> rounds = inspect(dir).chain().rounds();
        assertEquals(15, rounds.size());
        List<String> notices = attributes(rounds, TrainingRun.ATTR_NOTICES);
        assertTrue(notices.stream().anyMatch(n -> Pattern.matches(Pattern.quote(id) + "@\\d+: decommissioning \\(SIGPWR\\)", n)),
                "notice recorded: " + notices);
        long noticeRound = -1;
        for (String c : attributes(rounds, TrainingRun.ATTR_CHECKPOINTS)) {
            if (c.endsWith(": executor decommissioning: " + id)) {
                noticeRound = Long.parseLong(c.substring(0, c.indexOf(':')));
            }
        }
        assertTrue(noticeRound >= 3 && noticeRound < 15, "checkpoint for the notice in round 3..14: " + rounds);
        assertTrue(publishedAtRemoval.get().contains(noticeRound), "checkpoint of round " + noticeRound
                + " was published when Spark reported executor " + id + " gone; published then: "
                + publishedAtRemoval.get());

        // The HTML report shows the notice and the checkpoint taken for it.
        String page = report(dir);
        assertTrue(page.contains("<h2>Monitoring</h2>"), "monitoring panel");
        assertTrue(page.contains("executor " + id + " is going away: decommissioning (SIGPWR)"), "notice row");
        assertTrue(page.contains("taken for: executor decommissioning: " + id), "checkpoint row names the notice");
        assertEquals(1, count(page, "<line class=\"notice-line\""), "one notice line in the chart");
    }

    private String report(Path dir) throws IOException {
        Path reportFile = tmp.resolve(dir.getFileName() + ".html");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int code = io.txtrain.cli.Txtrain.run(new String[] {"report", dir.toString(), "--out", reportFile.toString()},
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(0, code, out.toString(java.nio.charset.StandardCharsets.UTF_8));
        return java.nio.file.Files.readString(reportFile);
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }

    private static List<String> attributes(List<RoundRecord> rounds, String key) {
        List<String> out = new ArrayList<>();
        for (RoundRecord r : rounds) {
            String v = r.attributes().get(key);
            if (v != null) {
                out.addAll(Arrays.asList(v.split("; ")));
            }
        }
        return out;
    }

    @Test
    void aFillingHeapShortensTheIntervalWhileItLasts() throws Exception {
        Path dir = tmp.resolve("heap");
        train(master(dir)
                // every task pauses 250 ms: several 250 ms samples per round, on a fast machine too
                .set(TxtrainSettings.HOLD_HEAP, "4-9:0.5:250ms")
                .set(HazardSettings.HEAP_THRESHOLD, "0.3")
                .set(HazardSettings.MAX_FACTOR, "50")
                .set(HazardSettings.HALF_LIFE, "0.3s")
                .set(AdaptivePolicySettings.INITIAL_COST, "0.05s")
                .set(AdaptivePolicySettings.MIN_INTERVAL, "0.01s")
                .build(), 2);
        List<RoundRecord> rounds = inspect(dir).chain().rounds();
        assertEquals(30, rounds.size());
        StringBuilder trace = new StringBuilder();
        for (RoundRecord r : rounds) {
            trace.append(r.round()).append(": hazard ").append(r.attributes().get(TrainingRun.ATTR_HAZARD))
                    .append(" interval ").append(r.attributes().get(TrainingRun.ATTR_INTERVAL)).append(' ')
                    .append(r.attributes().getOrDefault(TrainingRun.ATTR_SIGNAL, "")).append('\n');
        }
        double before = interval(rounds.get(2));
        for (RoundRecord r : rounds.subList(0, 3)) {
            assertEquals(1.0, hazard(r), 0, "no hazard before the heap fills:\n" + trace);
        }
        // The hold starts with round 4's tasks; the driver sees it from the next samples on.
        RoundRecord peak = rounds.subList(4, 9).stream()
                .filter(r -> r.attributes().getOrDefault(TrainingRun.ATTR_SIGNAL, "").startsWith("heap"))
                .max((a, b) -> Double.compare(hazard(a), hazard(b))).orElseThrow(
                        () -> new AssertionError("no round names the heap while it is held:\n" + trace));
        assertTrue(hazard(peak) > 8, "hazard while the heap is held:\n" + trace);
        assertTrue(Pattern.matches("heap \\d+% on executor \\d+", peak.attributes().get(TrainingRun.ATTR_SIGNAL)),
                "the signal that moved it:\n" + trace);
        assertTrue(interval(peak) < before / 2, "interval shortened:\n" + trace);
        RoundRecord last = rounds.get(29);
        assertTrue(hazard(last) < 1.05, "hazard decayed after the heap was released:\n" + trace);
        assertTrue(interval(last) > 2 * interval(peak), "interval back up:\n" + trace);
        assertEquals(before, interval(last), before / 4, "interval back to normal:\n" + trace);

        String page = report(dir);
        assertTrue(page.contains("<h2>Monitoring</h2>"), "monitoring panel");
        assertTrue(count(page, "<circle class=\"hazard\"") >= 5, "raised hazard drawn for the held rounds");
        assertTrue(page.contains("hazard peak"), "the peak is listed among the events");
    }

    private static double hazard(RoundRecord r) {
        return Double.parseDouble(r.attributes().get(TrainingRun.ATTR_HAZARD));
    }

    private static double interval(RoundRecord r) {
        return Double.parseDouble(r.attributes().get(TrainingRun.ATTR_INTERVAL));
    }
}
