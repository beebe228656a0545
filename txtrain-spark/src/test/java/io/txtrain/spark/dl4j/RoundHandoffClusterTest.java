package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.spark.plugin.TxtrainPlugin;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * With the txtrain plugin on separate executor JVMs, a round's input and results go through the
 * plugin's RPC endpoint, not Spark's broadcast and task results; the model is that of local mode,
 * also when a task fails and when a whole round is retried (which broadcasts its input); the same
 * holds for a {@link RoundStream} through the plugin.
 */
class RoundHandoffClusterTest {
    @TempDir
    static Path tmp;

    private static String train(JavaSparkContext sc, Path dir, String failTasks) {
        return train(sc, dir, failTasks, false);
    }

    private static String train(JavaSparkContext sc, Path dir, String failTasks, boolean stream) {
        JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(192, 3), 2);
        TransactionalTrainingMaster.Builder b = RoundHandoffTest.master(dir, stream).maxRoundAttempts(2);
        if (failTasks != null) {
            b.set("spark.txtrain.test.failTasks", failTasks);
        }
        return RoundHandoffTest.train(sc, data, b.build());
    }

    @Test
    void throughThePluginTheModelIsThatOfLocalMode() throws Exception {
        String reference;
        JavaSparkContext sc = SparkTestSupport.local(2, 1, "handoff-reference");
        try {
            reference = train(sc, tmp.resolve("local"), null);
        } finally {
            sc.stop();
        }
        sc = new JavaSparkContext(SparkTestSupport.localClusterConf(2, 1024, "handoff-cluster")
                .set("spark.plugins", TxtrainPlugin.class.getName()));
        try {
            RoundHandoffTest.RoundTaskResults results = new RoundHandoffTest.RoundTaskResults();
            sc.sc().addSparkListener(results);
            assertEquals(reference, train(sc, tmp.resolve("cluster"), null), "through the plugin");
            sc.sc().listenerBus().waitUntilEmpty();
            long largest = results.resultBytes.values().stream().mapToLong(Long::longValue).max().orElseThrow();
            long state = TrainingFixtures.network(1024).numParams() * 4L * 3;
            assertTrue(results.resultBytes.size() >= 12 && largest < 16 * 1024,
                    "round task results: largest " + largest + " bytes of a " + state + "-byte state, "
                            + results.resultBytes.size() + " tasks");

            // round 3's second worker fails once: Spark runs the task again, which sends its result again
            assertEquals(reference, train(sc, tmp.resolve("task-retry"), "3:1:0"), "a retried task");
            // it fails in all four task attempts of the round's first attempt: the round is retried, broadcast
            assertEquals(reference, train(sc, tmp.resolve("round-retry"), "3:1:0@1,3:1:1@1,3:1:2@1,3:1:3@1"),
                    "a retried round");
            assertEquals(0, RoundHandoff.openLaunches(), "no launch is left open on the driver");

            // the 6 rounds as one Spark job (RoundStream), through the plugin
            RoundStreamTest.Jobs jobs = new RoundStreamTest.Jobs();
            sc.sc().addSparkListener(jobs);
            assertEquals(reference, train(sc, tmp.resolve("stream"), null, true), "in a stream");
            sc.sc().listenerBus().waitUntilEmpty();
            sc.sc().removeSparkListener(jobs);
            assertEquals(java.util.List.of("1-6"), jobs.streams(), "one job for the epoch's rounds");
            assertEquals(0, jobs.ownJobs().size(), "no round ran as a job of its own");
            // round 3's second worker fails once: the retried task resumes at round 3
            assertEquals(reference, train(sc, tmp.resolve("stream-task-retry"), "3:1:0", true), "a retried task");
            // the stream's job fails (4 task attempts): round 3 is retried as its own job, the others follow
            assertEquals(reference, train(sc, tmp.resolve("stream-failed"), "3:1:0@1,3:1:1@1,3:1:2@1,3:1:3@1",
                    true), "a failed stream");
            assertEquals(0, RoundStream.openStreams(), "no stream is left open on the driver");
        } finally {
            sc.stop();
        }
    }
}
