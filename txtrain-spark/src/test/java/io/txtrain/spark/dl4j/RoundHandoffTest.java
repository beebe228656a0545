package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * In local mode a round's worker states reach the driver in memory, not as serialised task
 * results; the model is that of the serialised path, and nothing of a launch stays behind.
 */
class RoundHandoffTest {
    static JavaSparkContext sc;
    static JavaRDD<DataSet> data;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 2, "result-handoff"); // a failed task is retried once within its job
        data = sc.parallelize(TrainingFixtures.blobs(192, 3), 2);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** Result bytes of every task of the round jobs, by stage. */
    static final class RoundTaskResults extends SparkListener {
        final Map<Integer, Boolean> roundJobStages = new ConcurrentHashMap<>();
        final Map<Long, Long> resultBytes = new ConcurrentHashMap<>();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
            if (d != null && d.startsWith("txtrain round ")) {
                scala.collection.Iterator<Object> ids = e.stageIds().iterator();
                while (ids.hasNext()) {
                    roundJobStages.put((Integer) ids.next(), true);
                }
            }
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            if (roundJobStages.containsKey(e.stageId()) && e.taskMetrics() != null && "Success".equals(
                    e.reason().toString())) {
                resultBytes.put(e.taskInfo().taskId(), e.taskMetrics().resultSize());
            }
        }
    }

    /** One Spark job per round: the handoff of a round's own job. */
    static TransactionalTrainingMaster.Builder master(Path dir) {
        return master(dir, false);
    }

    static TransactionalTrainingMaster.Builder master(Path dir, boolean stream) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2).rngSeed(17)
                .checkpointDirectory(dir.toUri().toString()).checkpointPolicy("every-rounds:4")
                .set("spark.txtrain.round.stream", Boolean.toString(stream));
    }

    static String train(TransactionalTrainingMaster tm) {
        return train(sc, data, tm);
    }

    /** One epoch of the 1024-unit network on {@code data}; the model's checksum. Closes {@code tm}. */
    static String train(JavaSparkContext sc, JavaRDD<DataSet> data, TransactionalTrainingMaster tm) {
        return TrainingFixtures.fitOnce(sc, TrainingFixtures.network(1024), data, tm);
    }

    @Test
    void aWorkersStateIsNotATaskResultInLocalMode() throws Exception {
        long stateBytes = TrainingFixtures.network(1024).numParams() * 4L * 3; // parameters and Adam's two moments
        RoundTaskResults results = new RoundTaskResults();
        sc.sc().addSparkListener(results);
        try {
            train(master(tmp.resolve("sizes")).build());
            sc.sc().listenerBus().waitUntilEmpty();
        } finally {
            sc.sc().removeSparkListener(results);
        }
        assertTrue(results.resultBytes.size() >= 2 * 6, "6 rounds of 2 tasks: " + results.resultBytes);
        long largest = results.resultBytes.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(largest < 16 * 1024 && stateBytes > 8 * largest,
                "largest round task result " + largest + " bytes, state " + stateBytes + " bytes");
        assertEquals(0, RoundHandoff.openLaunches(), "no launch is left open after training");
    }

    @Test
    void aRetriedTaskGivesTheModelOfARunWithoutFailures() throws Exception {
        String clean = train(master(tmp.resolve("clean")).build());
        // round 3's second worker fails in its first task attempt; Spark runs it again in the same job
        String retried = train(master(tmp.resolve("retried")).set("spark.txtrain.test.failTasks", "3:1:0").build());
        assertEquals(clean, retried);
        assertEquals(0, RoundHandoff.openLaunches());
    }

    @Test
    void resultsAreTheTasksOwnAndGoneAfterClose() {
        JavaRDD<RoundResult> rdd = sc.parallelize(List.of(RoundResult.empty(0, 7, "a"), RoundResult.empty(1, 8, "b")), 2);
        RoundHandoff handoff = new RoundHandoff(null);
        Object[] parts;
        try {
            parts = (Object[]) sc.sc().runJob(rdd.rdd(), handoff.collector(),
                    scala.reflect.ClassTag$.MODULE$.apply(List.class));
            for (Object p : parts) {
                assertInstanceOf(RoundHandoff.Ticket.class, ((List<?>) p).get(0), "handed over, not serialised");
            }
            List<RoundResult> resolved = handoff.resolve(parts);
            assertEquals(List.of(7L, 8L), resolved.stream().map(r -> r.seed).toList(), "in partition order");
        } finally {
            handoff.close();
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> handoff.resolve(parts));
        assertTrue(e.getMessage().contains("was handed to the driver but is not there"), e.getMessage());
        assertEquals(0, RoundHandoff.openLaunches());
    }
}
