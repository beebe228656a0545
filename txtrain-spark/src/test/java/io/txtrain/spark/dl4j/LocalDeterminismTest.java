package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/** Two fault-free runs in local[2] give bit-identical parameters; injected task failures change nothing. */
class LocalDeterminismTest {
    static JavaSparkContext sc;
    static JavaRDD<DataSet> data;
    static final int EXAMPLES = 480;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 4, "determinism");
        data = sc.parallelize(TrainingFixtures.blobs(EXAMPLES, 7), 3).cache();
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static TransactionalTrainingMaster.Builder master(Path dir) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2)
                .rngSeed(99).checkpointDirectory(dir.toUri().toString()).checkpointPolicy("every-rounds:4");
    }

    static String train(TransactionalTrainingMaster tm, int epochs) {
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        for (int e = 0; e < epochs; e++) {
            net.fit(data);
        }
        String sha = tm.parametersSha256();
        assertEquals(sha, io.txtrain.spark.dl4j.StateDigest.hex(
                io.txtrain.spark.dl4j.StateDigest.of(FlatState.of(net.getNetwork().params()).bytes())),
                "the network holds the committed parameters");
        tm.close();
        return sha;
    }

    @Test
    void twoRunsAreBitIdenticalAndEveryRoundIsLoggedOnce() throws Exception {
        String a = train(master(tmp.resolve("a")).build(), 2);
        String b = train(master(tmp.resolve("b")).build(), 2);
        assertEquals(a, b);
        int roundsPerEpoch = EXAMPLES / (2 * 8 * 2);
        RecoveryPlan plan = RecoveryDirectory.inspect(tmp.resolve("a").toUri(), new Configuration());
        assertEquals(2L * roundsPerEpoch, plan.lastCommittedRound());
        assertEquals(2L * roundsPerEpoch, plan.startRound(), "epoch-end checkpoint is the newest");
    }

    @Test
    void dataFingerprintIsStableAndIndependentOfPartitioning() {
        List<DataSet> examples = TrainingFixtures.blobs(EXAMPLES, 7);
        String reference = fingerprint(data);
        for (int partitions : new int[] {1, 2, 5, 7, 3, 3, 3}) {
            assertEquals(reference, fingerprint(sc.parallelize(examples, partitions)), partitions + " partitions");
        }
        List<DataSet> changed = new java.util.ArrayList<>(examples);
        java.util.Collections.swap(changed, 0, 1);
        assertTrue(!reference.equals(fingerprint(sc.parallelize(changed, 3))), "order matters");
    }

    private static String fingerprint(JavaRDD<DataSet> rdd) {
        try (EpochData.PackedInput<PackedArrays> in = EpochData.pack(rdd, new ObjectFitter.DataSets(),
                StorageLevel.MEMORY_ONLY())) {
            return in.stats().fingerprint();
        }
    }

    /** The fingerprint pass caches the packed input, so the epoch's layout does not read the input again. */
    @Test
    void eachFitReadsItsInputOnce() throws Exception {
        org.apache.spark.util.LongAccumulator reads = sc.sc().longAccumulator("input reads");
        JavaRDD<DataSet> counted = sc.parallelize(TrainingFixtures.blobs(EXAMPLES, 7), 3).map(ds -> {
            reads.add(1);
            return ds;
        });
        TransactionalTrainingMaster tm = master(tmp.resolve("reads")).build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        net.fit(counted);
        assertEquals(EXAMPLES, reads.value(), "first epoch");
        net.fit(counted);
        assertEquals(2L * EXAMPLES, reads.value(), "second epoch");
        assertEquals(2L * EXAMPLES / (2 * 8 * 2), tm.committedRound());
        tm.close();
        var cached = new java.util.HashMap<>(scala.collection.JavaConverters.mapAsJavaMap(sc.sc().getPersistentRDDs()));
        cached.remove(data.id());
        assertTrue(cached.isEmpty(), "nothing of the fits left cached: " + cached);
    }

    @Test
    void injectedTaskFailuresAndAbortedRoundsGiveTheSameResult() throws Exception {
        String clean = train(master(tmp.resolve("clean")).build(), 1);
        // round 3: partition 1 fails once (Spark retries the task); round 5: partition 0 fails all
        // four task attempts, so the job fails and the round is aborted and retried.
        TransactionalTrainingMaster tm = master(tmp.resolve("faulty"))
                .set("spark.txtrain.test.failTasks", "3:1:0,5:0:0,5:0:1,5:0:2,5:0:3").build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        net.fit(data);
        assertEquals(1, tm.abortedRounds());
        assertEquals(clean, tm.parametersSha256());
        tm.close();
    }

    @Test
    void trainingLearnsWithListenersAndTrainingStats() throws Exception {
        TransactionalTrainingMaster tm = master(tmp.resolve("learn")).build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        java.util.concurrent.atomic.AtomicInteger iterations = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger epochs = new java.util.concurrent.atomic.AtomicInteger();
        tm.setListeners(List.of(new org.deeplearning4j.optimize.api.BaseTrainingListener() {
            @Override
            public void iterationDone(org.deeplearning4j.nn.api.Model model, int iteration, int epoch) {
                iterations.incrementAndGet();
            }

            @Override
            public void onEpochEnd(org.deeplearning4j.nn.api.Model model) {
                epochs.incrementAndGet();
            }
        }));
        net.setCollectTrainingStats(true);
        List<DataSet> test = TrainingFixtures.blobs(300, 7);
        double before = TrainingFixtures.accuracy(net.getNetwork(), test);
        net.fit(data);
        net.fit(data);
        double after = TrainingFixtures.accuracy(net.getNetwork(), test);
        int rounds = (int) tm.committedRound();
        var stats = net.getSparkTrainingStats();
        tm.close();
        assertTrue(after > 0.9 && after > before, "accuracy before " + before + ", after " + after);
        assertEquals(rounds, iterations.get(), "iterationDone once per committed round");
        assertEquals(2, epochs.get());
        assertEquals(rounds, stats.getValue(RoundTrainingStats.STAGE).size());
        assertEquals(rounds, stats.getValue(RoundTrainingStats.COMMIT).size());
        assertEquals(2 * rounds, stats.getValue(RoundTrainingStats.WORKER_FIT).size(), "two workers per round");
        assertTrue(stats.statsAsString().contains(RoundTrainingStats.STAGE), stats.statsAsString());
        assertTrue(Double.isFinite(net.getNetwork().score()) && net.getNetwork().score() > 0, "driver network has the round score");
    }
}
