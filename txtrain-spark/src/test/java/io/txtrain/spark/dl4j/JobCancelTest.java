package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * Cancelling the training job as a notebook's Cancel does ({@code sc.cancelJobGroup}) or with
 * {@code sc.cancelAllJobs()} is a stop request: the round in flight is aborted and not retried,
 * {@code fit} throws {@link TrainingStoppedException} naming the last committed round, and running
 * the job again resumes to the checksum of a run that was never cancelled.
 */
class JobCancelTest {
    static final int EPOCHS = 2;
    static final long CANCEL_FROM_ROUND = 5;
    static JavaSparkContext sc;
    static JavaRDD<DataSet> data;
    static String expected;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void cleanRun() {
        sc = SparkTestSupport.local(2, 1, "job-cancel");
        data = sc.parallelize(TrainingFixtures.blobs(480, 7), 3).cache();
        expected = train(tmp.resolve("clean").toUri());
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static TransactionalTrainingMaster master(URI dir) {
        return master(dir, true);
    }

    private static TransactionalTrainingMaster master(URI dir, boolean stream) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2).rngSeed(99)
                .checkpointDirectory(dir.toString()).checkpointPolicy("every-rounds:4")
                .set("spark.txtrain.round.stream", Boolean.toString(stream)).build();
    }

    /** Trains every epoch (a fresh run or a resume); returns the final checksum. */
    private static String train(URI dir) {
        TransactionalTrainingMaster tm = master(dir);
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(32), tm);
        for (int e = 0; e < EPOCHS; e++) {
            net.fit(data);
        }
        String sha = tm.parametersSha256();
        tm.close();
        return sha;
    }

    /**
     * Cancels (with {@code cancel}, given the job's group) every round job whose first round is 5 or
     * later (a round's own job, or a stream of rounds); records every round job's description.
     */
    private static final class Canceller extends SparkListener {
        final List<String> jobs = new CopyOnWriteArrayList<>();
        final Consumer<String> cancel;

        Canceller(Consumer<String> cancel) {
            this.cancel = cancel;
        }

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String desc = start.properties().getProperty("spark.job.description", "");
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("txtrain rounds? (\\d+)[-,]").matcher(desc);
            if (!m.lookingAt()) {
                return;
            }
            jobs.add(desc);
            long round = Long.parseLong(m.group(1));
            if (round >= CANCEL_FROM_ROUND) {
                cancel.accept(start.properties().getProperty("spark.jobGroup.id"));
            }
        }
    }

    private void cancelledRunResumes(String name, Consumer<String> cancel, boolean inJobGroup, boolean stream)
            throws Exception {
        URI dir = tmp.resolve(name + "-" + stream).toUri();
        Canceller canceller = new Canceller(cancel);
        TransactionalTrainingMaster tm = master(dir, stream);
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(32), tm);
        sc.sc().addSparkListener(canceller);
        if (inJobGroup) {
            sc.setJobGroup("notebook-cell-7", "a notebook cell", true);
        }
        TrainingStoppedException stopped;
        try {
            stopped = assertThrows(TrainingStoppedException.class, () -> {
                for (int e = 0; e < EPOCHS; e++) {
                    net.fit(data);
                }
            });
        } finally {
            sc.sc().removeSparkListener(canceller);
            sc.clearJobGroup();
        }
        tm.close();
        long committed = RecoveryDirectory.inspect(dir, new Configuration()).lastCommittedRound();
        assertEquals(committed, stopped.lastCommittedRound(), "names the last committed round");
        assertTrue(committed >= CANCEL_FROM_ROUND - 1, "committed " + committed);
        assertTrue(stopped.getMessage().contains("round " + committed + " is the last committed one"),
                stopped.getMessage());
        assertTrue(stopped.getMessage().contains("cancelled"), stopped.getMessage());
        assertTrue(canceller.jobs.stream().noneMatch(j -> j.contains("(attempt ")), "nothing retried: " + canceller.jobs);
        assertTrue(canceller.jobs.stream().allMatch(j -> j.startsWith(stream ? "txtrain rounds " : "txtrain round ")),
                "round jobs: " + canceller.jobs);
        assertEquals(expected, train(dir), "the rerun resumes to the never-cancelled run's model");
    }

    @ParameterizedTest(name = "round.stream = {0}")
    @ValueSource(booleans = {true, false})
    void cancelAllJobsStopsTrainingAndARerunResumes(boolean stream) throws Exception {
        cancelledRunResumes("cancel-all", group -> sc.cancelAllJobs(), false, stream);
    }

    @ParameterizedTest(name = "round.stream = {0}")
    @ValueSource(booleans = {true, false})
    void notebookCancelOfTheJobGroupStopsTrainingAndARerunResumes(boolean stream) throws Exception {
        cancelledRunResumes("cancel-group", group -> sc.cancelJobGroup(group), true, stream);
    }
}
