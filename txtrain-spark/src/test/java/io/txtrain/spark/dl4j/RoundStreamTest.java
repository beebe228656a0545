package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * Consecutive rounds in one Spark job ({@link RoundStream}) give the bits of one job per round,
 * also when a task fails and is retried, when the stream's job fails, and when its tasks cannot
 * all run; nothing of a stream outlives its epoch.
 */
class RoundStreamTest {
    static JavaSparkContext sc;
    static JavaRDD<DataSet> data;
    static String reference;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 1, "round-stream"); // a failed task fails its job
        data = sc.parallelize(TrainingFixtures.blobs(192, 3), 2); // 6 rounds per epoch
        reference = RoundHandoffTest.train(sc, data, RoundHandoffTest.master(tmp.resolve("reference"), false).build());
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** The round jobs started: streams by their rounds ("1-6"), own jobs by their description. */
    static final class Jobs extends SparkListener {
        final List<String> descriptions = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
            if (d != null && d.startsWith("txtrain round")) {
                descriptions.add(d);
            }
        }

        List<String> streams() {
            synchronized (descriptions) {
                return descriptions.stream().filter(d -> d.startsWith("txtrain rounds "))
                        .map(d -> d.substring("txtrain rounds ".length(), d.indexOf(','))).toList();
            }
        }

        List<String> ownJobs() {
            synchronized (descriptions) {
                return descriptions.stream().filter(d -> d.startsWith("txtrain round ")).toList();
            }
        }
    }

    private static Jobs train(String name, TransactionalTrainingMaster.Builder b, String expectedChecksum,
                              long expectedAborts) throws Exception {
        Jobs jobs = new Jobs();
        sc.sc().addSparkListener(jobs);
        try {
            TransactionalTrainingMaster tm = b.build();
            long[] aborted = {-1};
            String checksum;
            try {
                new org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer(sc, TrainingFixtures.network(1024), tm)
                        .fit(data);
                checksum = tm.parametersSha256();
                aborted[0] = tm.abortedRounds();
            } finally {
                tm.close();
            }
            sc.sc().listenerBus().waitUntilEmpty();
            assertEquals(expectedChecksum, checksum, name + ": the model of one job per round");
            assertEquals(expectedAborts, aborted[0], name + ": aborted rounds");
            assertEquals(0, RoundStream.openStreams(), name + ": no stream left open");
            return jobs;
        } finally {
            sc.sc().removeSparkListener(jobs);
        }
    }

    @Test
    void anEpochsRoundsRunAsOneJobWithTheBitsOfOneJobPerRound() throws Exception {
        Jobs jobs = train("stream", RoundHandoffTest.master(tmp.resolve("stream"), true), reference, 0);
        assertEquals(List.of("1-6"), jobs.streams());
        assertEquals(List.of(), jobs.ownJobs());
    }

    @Test
    void aFailedStreamAbortsTheRoundWhichRunsAgainAsItsOwnJob() throws Exception {
        // round 3's second worker fails; with no task retry in local[2,1] the stream's job fails
        Jobs jobs = train("failed", RoundHandoffTest.master(tmp.resolve("failed"), true)
                .set("spark.txtrain.test.failTasks", "3:1:0"), reference, 1);
        assertEquals(List.of("1-6"), jobs.streams());
        assertEquals(4, jobs.ownJobs().size(), "rounds 3 (attempt 2) to 6 as jobs of their own: " + jobs.ownJobs());
        assertTrue(jobs.ownJobs().get(0).startsWith("txtrain round 3,") && jobs.ownJobs().get(0).endsWith(
                "(attempt 2)"), jobs.ownJobs().get(0));
    }

    /** A task that takes one of the two slots until released. */
    static final CountDownLatch RELEASE = new CountDownLatch(1);
    static final CountDownLatch HOLDING = new CountDownLatch(1);

    @Test
    void aStreamWhoseTasksCannotAllRunIsCancelledAndItsRoundRunsAsItsOwnJob() throws Exception {
        Thread blocker = new Thread(() -> sc.parallelize(List.of(1), 1).foreach(x -> {
            HOLDING.countDown();
            RELEASE.await(120, TimeUnit.SECONDS);
        }));
        blocker.start();
        try {
            assertTrue(HOLDING.await(30, TimeUnit.SECONDS), "the blocking task runs");
            // one slot left: the stream's second task cannot start, so round 1 never completes in it
            Jobs jobs = train("stalled", RoundHandoffTest.master(tmp.resolve("stalled"), true)
                    .set("spark.txtrain.round.executorWait", "2s"), reference, 1);
            assertEquals(List.of("1-6"), jobs.streams());
            assertEquals(6, jobs.ownJobs().size(), "every round as a job of its own: " + jobs.ownJobs());
        } finally {
            RELEASE.countDown();
            blocker.join(30_000);
        }
    }
}
