package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.testing.Poll;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * The next round's job runs while the driver commits the previous round; when training stops at
 * that boundary, the launched round is dropped: nothing of it is logged or applied, and running
 * again ends with the model of a run that never stopped.
 */
class RoundOverlapTest {
    static JavaSparkContext sc;
    static JavaRDD<DataSet> data;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 1, "round-overlap");
        data = sc.parallelize(TrainingFixtures.blobs(192, 3), 2); // 6 rounds per epoch
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static TransactionalTrainingMaster master(Path dir, boolean stream) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2).rngSeed(5)
                .checkpointDirectory(dir.toUri().toString()).checkpointPolicy("every-rounds:100")
                .set("spark.txtrain.round.stream", Boolean.toString(stream)).build();
    }

    /** The rounds whose Spark job was started. */
    static final class RoundJobs extends SparkListener {
        final Set<String> started = ConcurrentHashMap.newKeySet();

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            String d = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
            if (d != null && d.startsWith("txtrain round ")) {
                started.add(d.substring("txtrain round ".length(), d.indexOf(',')));
            }
        }
    }

    /**
     * One Spark job per round: round 4's job is seen to start. In a stream (one job for the 6
     * rounds) round 4's input is published during round 3's commit in the same way, and the stream
     * is closed by the stop.
     */
    @ParameterizedTest(name = "round.stream = {0}")
    @ValueSource(booleans = {false, true})
    void aStopAfterARoundDropsTheRoundLaunchedDuringItsCommit(boolean stream) throws Exception {
        String d = "-" + stream;
        TransactionalTrainingMaster whole = master(tmp.resolve("whole" + d), stream);
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), whole).fit(data);
        String expected = whole.parametersSha256();
        whole.close();

        TransactionalTrainingMaster tm = master(tmp.resolve("stopped" + d), stream);
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), tm);
        int[] rounds = {0};
        tm.setListeners(List.of(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                if (++rounds[0] == 3) {
                    tm.requestStop(); // round 4 is running by now
                }
            }
        }));
        RoundJobs jobs = new RoundJobs();
        sc.sc().addSparkListener(jobs);
        TrainingStoppedException stopped;
        String atStop;
        try {
            stopped = assertThrows(TrainingStoppedException.class, () -> net.fit(data));
            atStop = tm.parametersSha256();
            tm.close();
            if (!stream) {
                // the listener bus is asynchronous; round 4's job started before fit returned, or never
                Poll.until("round 4's job start reported", Duration.ofSeconds(30), () -> jobs.started.contains("4"));
            }
        } finally {
            sc.sc().removeSparkListener(jobs);
        }
        assertEquals(3, stopped.lastCommittedRound());
        if (stream) {
            assertEquals(0, RoundStream.openStreams(), "the stream was closed");
            assertTrue(jobs.started.isEmpty(), "no round ran as a job of its own: " + jobs.started);
        } else {
            assertTrue(jobs.started.contains("4"), "round 4 was launched while round 3 was committed: " + jobs.started);
        }
        assertEquals(3, RecoveryDirectory.inspect(tmp.resolve("stopped" + d).toUri(), new Configuration())
                .lastCommittedRound(), "nothing of round 4 is logged");
        assertEquals(atStop, StateDigest.hex(StateDigest.of(FlatState.of(net.getNetwork().params()).bytes())),
                "the network holds round 3's committed parameters");

        TransactionalTrainingMaster again = master(tmp.resolve("stopped" + d), stream);
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), again).fit(data);
        assertEquals(expected, again.parametersSha256(), "the rerun ends with the model of a run that never stopped");
        again.close();
    }
}
