package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.stats.EventStats;
import org.deeplearning4j.spark.stats.StatsUtils;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.deeplearning4j.ui.model.stats.api.StatsReport;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * DL4J users' code with {@link TransactionalTrainingMaster} in place of
 * {@link ParameterAveragingTrainingMaster}, side by side with PATM where PATM defines the expected
 * behaviour: wrapper scores, counters, statistics, the DL4J UI's stats storage, several networks.
 */
class DropInCompatibilityTest {
    static JavaSparkContext sc;
    static List<DataSet> examples;
    /** 2 workers x 8 per minibatch x 2 minibatches per round = 32 per round: 6 rounds per epoch. */
    static final int EXAMPLES = 192;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        // DL4J's statistics ask an NTP server for the time unless told otherwise (no network in tests)
        System.setProperty(org.deeplearning4j.spark.time.TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY,
                "org.deeplearning4j.spark.time.SystemClockTimeSource");
        sc = SparkTestSupport.local(2, 1, "drop-in");
        examples = TrainingFixtures.blobs(EXAMPLES, 5);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** The same data, as a fresh RDD (PATM sets its own storage level on it). */
    static JavaRDD<DataSet> data() {
        return sc.parallelize(examples, 2);
    }

    static TransactionalTrainingMaster txtrain(String dir) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2).rngSeed(3)
                .checkpointDirectory(tmp.resolve(dir).toUri().toString()).build();
    }

    static ParameterAveragingTrainingMaster patm() {
        return new ParameterAveragingTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2)
                .rngSeed(3).rddTrainingApproach(RDDTrainingApproach.Direct).build();
    }

    static void close(TrainingMaster<?, ?> tm) {
        if (tm instanceof TransactionalTrainingMaster t) {
            t.close();
        }
    }

    @Test
    void sparkWrappersReportTheLastRoundsScoreAsWithParameterAveraging() {
        for (TrainingMaster<?, ?> tm : List.of(patm(), txtrain("score"))) {
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), tm);
            assertEquals(0.0, net.getScore());
            net.fit(data());
            assertTrue(net.getScore() > 0 && Double.isFinite(net.getScore()), tm.getClass() + ": " + net.getScore());
            close(tm);
        }
        for (TrainingMaster<?, ?> tm : List.of(patm(), txtrain("score-graph"))) {
            SparkComputationGraph g = new SparkComputationGraph(sc, GraphAndPathsTest.graph(), tm);
            g.fit(data());
            assertTrue(g.getScore() > 0 && Double.isFinite(g.getScore()), tm.getClass() + ": " + g.getScore());
            close(tm);
        }
    }

    /** A network loaded with counters (say, trained before): PATM continues them; so does txtrain. */
    @Test
    void epochAndIterationCountsMatchParameterAveraging() {
        int[][] counts = new int[2][];
        int i = 0;
        for (TrainingMaster<?, ?> tm : List.of(patm(), txtrain("counters"))) {
            MultiLayerNetwork n = TrainingFixtures.network(8);
            n.getLayerWiseConfigurations().setEpochCount(3);
            n.getLayerWiseConfigurations().setIterationCount(10);
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, n, tm);
            net.fit(data());
            net.fit(data());
            counts[i++] = new int[] {net.getNetwork().getEpochCount(), net.getNetwork().getIterationCount()};
            close(tm);
        }
        assertEquals(5, counts[0][0], "PATM: epochs 3 + 2 fits");
        assertEquals(10 + 2 * 6 * 2, counts[0][1], "PATM: 10 + 6 rounds x averagingFrequency 2, twice");
        assertEquals(counts[0][0], counts[1][0], "epoch count");
        assertEquals(counts[0][1], counts[1][1], "iteration count");
    }

    @Test
    void oneMasterTrainsEachOfTwoNetworksInItsOwnRun() throws Exception {
        TransactionalTrainingMaster tm = txtrain("two");
        MultiLayerNetwork a = TrainingFixtures.network(8);
        MultiLayerNetwork b = TrainingFixtures.network(6);
        String bInitial = StateDigest.hex(StateDigest.of(FlatState.of(b.params()).bytes()));
        SparkDl4jMultiLayer netA = new SparkDl4jMultiLayer(sc, a, tm);
        SparkDl4jMultiLayer netB = new SparkDl4jMultiLayer(sc, b, tm);
        netA.fit(data());
        netB.fit(data());
        netB.fit(data());
        netA.fit(data());
        String shaA = sha(netA);
        String shaB = sha(netB);
        assertNotEquals(bInitial, shaB, "the second network was trained");
        tm.close();
        Configuration hadoop = new Configuration();
        assertEquals(12, RecoveryDirectory.inspect(tmp.resolve("two").toUri(), hadoop).lastCommittedRound());
        Path second = tmp.resolve("two").resolve(TransactionalTrainingMaster.NETWORKS_DIR).resolve("2");
        assertEquals(12, RecoveryDirectory.inspect(second.toUri(), hadoop).lastCommittedRound());

        // a new driver: same networks, same order of first use; everything committed is skipped
        TransactionalTrainingMaster again = txtrain("two");
        SparkDl4jMultiLayer netA2 = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), again);
        SparkDl4jMultiLayer netB2 = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(6), again);
        netA2.fit(data());
        netB2.fit(data());
        netB2.fit(data());
        netA2.fit(data());
        assertEquals(shaA, sha(netA2));
        assertEquals(shaB, sha(netB2));
        again.close();
    }

    @Test
    void aClosedMasterRefusesToFitAndANewOneContinues() {
        TransactionalTrainingMaster tm = txtrain("closed");
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), tm);
        net.fit(data());
        tm.close();
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> net.fit(data()));
        assertTrue(e.getMessage().contains("closed") && e.getMessage().contains("resumes"), e.getMessage());
        TransactionalTrainingMaster next = txtrain("closed");
        SparkDl4jMultiLayer again = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), next);
        again.fit(data()); // committed: skipped
        again.fit(data());
        assertEquals(12, next.committedRound());
        next.close();
    }

    private static String sha(SparkDl4jMultiLayer net) {
        return StateDigest.hex(StateDigest.of(FlatState.of(net.getNetwork().params()).bytes()));
    }

    @Test
    void trainingStatisticsHaveParameterAveragingKeysAndRenderAsHtml() throws Exception {
        SparkTrainingStats plain = statsOf(patm());
        TransactionalTrainingMaster tm = txtrain("stats");
        SparkTrainingStats tx = statsOf(tm);
        tm.close();
        Set<String> missing = new LinkedHashSet<>(plain.getKeySet());
        missing.removeAll(tx.getKeySet());
        assertTrue(missing.isEmpty(), "PATM keys missing: " + missing);
        List<String> sameKind = new ArrayList<>();
        for (String key : plain.getKeySet()) {
            List<EventStats> p = plain.getValue(key);
            List<EventStats> t = tx.getValue(key);
            if (p != null && !p.isEmpty() && !t.isEmpty()) {
                assertEquals(p.get(0).getClass(), t.get(0).getClass(), key);
                assertEquals(plain.getShortNameForKey(key), tx.getShortNameForKey(key), key);
                sameKind.add(key);
            }
        }
        assertTrue(sameKind.containsAll(List.of("ParameterAveragingMasterFitTimesMs",
                "ParameterAveragingMasterMapPartitionsTimesMs", "ParameterAveragingWorkerFitTimesMs",
                "WorkerFlatMapTotalTimeMs")), "measured like PATM: " + sameKind);
        assertEquals(6, tx.getValue("ParameterAveragingMasterMapPartitionsTimesMs").size(), "one per round");
        assertEquals(6, tx.getValue(RoundTrainingStats.COMMIT).size());
        for (String own : List.of(RoundTrainingStats.STAGE, RoundTrainingStats.COMMIT, RoundTrainingStats.SNAPSHOT,
                RoundTrainingStats.REPLAY)) {
            assertTrue(tx.getKeySet().contains(own), own);
        }
        Path html = tmp.resolve("stats.html");
        StatsUtils.exportStatsAsHtml(tx, html.toString(), sc);
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.contains("<html") && page.contains(tx.getShortNameForKey(RoundTrainingStats.COMMIT))
                && page.contains(tx.getShortNameForKey("ParameterAveragingWorkerFitTimesMs")), "HTML report");
    }

    private static SparkTrainingStats statsOf(TrainingMaster<?, ?> tm) {
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), tm);
        net.setCollectTrainingStats(true);
        net.fit(data());
        return net.getSparkTrainingStats();
    }

    @Test
    void statsListenerReportsEachCommittedRoundToInMemoryAndFileStatsStorage() throws Exception {
        List<StatsStorage> storages = List.of(new InMemoryStatsStorage(),
                new FileStatsStorage(tmp.resolve("ui-stats.bin").toFile()));
        for (StatsStorage storage : storages) {
            TransactionalTrainingMaster tm = txtrain("ui-" + storage.getClass().getSimpleName());
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), tm);
            // report every iteration (DL4J's default is every 10th)
            net.setListeners(storage, List.of(new StatsListener(null, 1)));
            net.fit(data());
            long rounds = tm.committedRound();
            tm.close();
            List<String> sessions = storage.listSessionIDs();
            assertEquals(1, sessions.size(), storage.getClass().getSimpleName());
            String session = sessions.get(0);
            String type = storage.listTypeIDsForSession(session).get(0);
            String worker = storage.listWorkerIDsForSession(session).get(0);
            List<Persistable> updates = storage.getAllUpdatesAfter(session, type, worker, 0);
            assertEquals(rounds, updates.size(), "one report per committed round");
            StatsReport lastReport = (StatsReport) updates.get(updates.size() - 1);
            assertEquals(net.getScore(), lastReport.getScore(), 1e-9, "the last round's score");
            assertEquals(net.getNetwork().getIterationCount(), lastReport.getIterationCount());
            var params = lastReport.getMeanMagnitudes(org.deeplearning4j.ui.model.stats.api.StatsType.Parameters);
            var updates2 = lastReport.getMeanMagnitudes(org.deeplearning4j.ui.model.stats.api.StatsType.Updates);
            assertTrue(params.containsKey("0_W") && params.get("0_W") > 0, "parameter summary: " + params);
            assertTrue(updates2.containsKey("0_W") && updates2.get("0_W") > 0, "the round's update: " + updates2);
            assertTrue(lastReport.getTotalExamples() == EXAMPLES, "examples " + lastReport.getTotalExamples());
            assertTrue(storage.getStaticInfo(session, type, worker) != null, "static info (model summary)");
            storage.close();
        }
    }
}
