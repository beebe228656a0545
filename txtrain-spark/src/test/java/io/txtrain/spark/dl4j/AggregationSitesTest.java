package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.spark.testing.ExecutorProcesses;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * {@code spark.txtrain.aggregation}: averaging on the executors gives the same bits as on the
 * driver, in local mode and on local-cluster with 4 workers, when an executor dies during the
 * averaging stage, and when a run logged with driver averaging is replayed with executor averaging;
 * also with the state averaged in slices by several tasks ({@code spark.txtrain.aggregation.sliceBytes})
 * and with the driver's states off its Java heap ({@code spark.txtrain.driver.stateOffHeap}).
 */
class AggregationSitesTest {
    /** The test network's 259 parameters and 518 Adam values (3,108 bytes), averaged in slices of 200 bytes. */
    private static final Map<String, String> SLICED = Map.of("spark.txtrain.aggregation.sliceBytes", "200");
    private static final int SLICES = 16;
    private static final Map<String, String> OFF_HEAP = Map.of("spark.txtrain.driver.stateOffHeap", "always");

    @TempDir
    Path tmp;

    /** Task count of each txtrain round job's result stage (the tasks whose results the driver receives). */
    private static Map<String, Integer> watchRounds(JavaSparkContext sc) {
        Map<String, Integer> stages = new ConcurrentHashMap<>();
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                String desc = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
                if (desc != null && desc.startsWith("txtrain round ")) {
                    int resultStage = (Integer) start.stageIds().max(scala.math.Ordering.Int$.MODULE$);
                    scala.collection.Iterator<org.apache.spark.scheduler.StageInfo> it = start.stageInfos().iterator();
                    while (it.hasNext()) {
                        org.apache.spark.scheduler.StageInfo info = it.next();
                        if (info.stageId() == resultStage) {
                            stages.put(desc, info.numTasks());
                        }
                    }
                }
            }
        });
        return stages;
    }

    private static String train(JavaSparkContext sc, Path dir, int workers, String site, String policy, int epochs) {
        return train(sc, dir, workers, site, policy, epochs, Map.of());
    }

    private static String train(JavaSparkContext sc, Path dir, int workers, String site, String policy, int epochs,
                                Map<String, String> settings) {
        JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(LocalDeterminismTest.EXAMPLES, 7), 3);
        TransactionalTrainingMaster.Builder b = new TransactionalTrainingMaster.Builder(workers, 1).batchSizePerWorker(8)
                .averagingFrequency(2).rngSeed(99).checkpointDirectory(dir.toUri().toString())
                .checkpointPolicy(policy).set("spark.txtrain.aggregation", site)
                .set("spark.txtrain.round.stream", "false"); // a job per round: its stages show the site
        settings.forEach(b::set);
        TransactionalTrainingMaster tm = b.build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        for (int e = 0; e < epochs; e++) {
            net.fit(data);
        }
        String sha = tm.parametersSha256();
        tm.close();
        return sha;
    }

    private static void assertStages(Map<String, Integer> stages, int expected, String what) {
        assertTrue(!stages.isEmpty() && stages.values().stream().allMatch(n -> n == expected),
                what + ": tasks whose results the driver receives, per round " + stages);
        stages.clear();
    }

    @Test
    void localModeSameBitsAndALogWrittenOnTheDriverReplaysOnTheExecutors() throws Exception {
        JavaSparkContext sc = SparkTestSupport.local(2, 1, "aggregation-local");
        try {
            Map<String, Integer> stages = watchRounds(sc);
            String driver = train(sc, tmp.resolve("driver"), 2, "driver", "every-rounds:4", 2);
            assertStages(stages, 2, "driver: both workers");
            String executors = train(sc, tmp.resolve("executors"), 2, "executors", "every-rounds:4", 2);
            assertStages(stages, 1, "executors: the averaging task");
            assertEquals(driver, executors, "averaged on the executors = averaged on the driver");
            assertEquals(driver, train(sc, tmp.resolve("sliced"), 2, "executors", "every-rounds:4", 2, SLICED),
                    "averaged in slices on the executors = averaged on the driver");
            assertStages(stages, SLICES, "executors: a task per slice");
            long direct = StateMemory.offHeapAllocations();
            assertEquals(driver, train(sc, tmp.resolve("off-heap"), 2, "driver", "every-rounds:4", 2, OFF_HEAP),
                    "states off the heap, averaged on the driver");
            Map<String, String> both = new java.util.HashMap<>(OFF_HEAP);
            both.putAll(SLICED);
            assertEquals(driver, train(sc, tmp.resolve("off-heap-executors"), 2, "executors", "every-rounds:4", 2,
                    both), "states off the heap, averaged in slices on the executors");
            assertTrue(StateMemory.offHeapAllocations() > direct, "the driver kept states off its heap");
            stages.clear();

            // a run logged with driver averaging and no checkpoint but the initial one ...
            Path logged = tmp.resolve("logged");
            train(sc, logged, 2, "driver", "off", 1);
            long rounds = RecoveryDirectory.inspect(logged.toUri(), new Configuration()).lastCommittedRound();
            assertEquals(0, RecoveryDirectory.inspect(logged.toUri(), new Configuration()).startRound());
            // ... replays every logged round with executor averaging, each checked against its record's checksum
            String resumed = train(sc, logged, 2, "executors", "off", 2);
            assertEquals(driver, resumed, "replayed and continued on the executors");
            assertEquals(2 * rounds, RecoveryDirectory.inspect(logged.toUri(), new Configuration()).lastCommittedRound());
        } finally {
            sc.stop();
        }
    }

    @Test
    void localClusterWithFourWorkersSameBitsAlsoWhenAnExecutorDiesWhileAveraging() {
        String reference;
        JavaSparkContext sc = SparkTestSupport.local(2, 1, "aggregation-reference");
        try {
            reference = train(sc, tmp.resolve("local"), 4, "driver", "every-rounds:4", 1);
        } finally {
            sc.stop();
        }
        sc = new JavaSparkContext(SparkTestSupport.localClusterConf(4, 640, "aggregation-local-cluster"));
        try {
            Map<String, Integer> stages = watchRounds(sc);
            assertEquals(reference, train(sc, tmp.resolve("lc-driver"), 4, "driver", "every-rounds:4", 1),
                    "driver averaging on local-cluster");
            assertStages(stages, 4, "driver: all four workers");
            assertEquals(reference, train(sc, tmp.resolve("lc-executors"), 4, "executors", "every-rounds:4", 1),
                    "executor averaging on local-cluster");
            assertStages(stages, 1, "executors: the averaging task");
            Map<String, String> both = new java.util.HashMap<>(OFF_HEAP);
            both.putAll(SLICED);
            long direct = StateMemory.offHeapAllocations();
            assertEquals(reference, train(sc, tmp.resolve("lc-sliced"), 4, "executors", "every-rounds:4", 1, both),
                    "averaged in slices on the executors, the driver's states off its heap");
            assertStages(stages, SLICES, "executors: a task per slice");
            assertTrue(StateMemory.offHeapAllocations() > direct, "the driver kept states off its heap");

            AtomicInteger averagingStage = new AtomicInteger(-1);
            AtomicLong killed = new AtomicLong();
            Set<Integer> seen = ConcurrentHashMap.newKeySet();
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart start) {
                    String desc = start.properties() == null ? null
                            : start.properties().getProperty("spark.job.description");
                    if (desc != null && desc.startsWith("txtrain round 4,") && averagingStage.get() < 0) {
                        averagingStage.set((Integer) start.stageIds().max(scala.math.Ordering.Int$.MODULE$));
                    }
                }

                @Override
                public void onStageSubmitted(SparkListenerStageSubmitted s) {
                    int id = s.stageInfo().stageId();
                    if (id == averagingStage.get() && seen.add(id) && killed.get() == 0) {
                        killed.set(ExecutorProcesses.killOne()); // the workers' outputs on it are lost
                    }
                }
            });
            assertEquals(reference, train(sc, tmp.resolve("lc-kill"), 4, "executors", "every-rounds:4", 1, SLICED),
                    "an executor SIGKILLed when the averaging stage started changes nothing");
            assertTrue(killed.get() > 0, "an executor JVM was killed in round 4's averaging stage");
        } finally {
            sc.stop();
        }
    }
}
