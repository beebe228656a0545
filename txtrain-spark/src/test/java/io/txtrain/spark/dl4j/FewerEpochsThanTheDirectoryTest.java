package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.nio.file.Path;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * Fewer fit calls than the checkpoint directory holds: the directory is not rolled back, the
 * network holds its later state, and {@code epochsStarted()} / {@code completedEpochs()} say so,
 * also when the directory stopped inside a later epoch.
 */
class FewerEpochsThanTheDirectoryTest {
    static JavaSparkContext sc;
    static JavaRDD<DataSet> data;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 1, "fewer-epochs");
        data = sc.parallelize(TrainingFixtures.blobs(192, 4), 2).cache();
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static TransactionalTrainingMaster master(URI dir) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2).rngSeed(1)
                .checkpointDirectory(dir.toString()).build();
    }

    @Test
    void oneFitOnAFinishedTwoEpochRunSaysTheDirectoryIsAhead() {
        URI dir = tmp.resolve("two-epochs").toUri();
        TransactionalTrainingMaster two = master(dir);
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), two);
        net.fit(data);
        net.fit(data);
        String twoEpochs = two.parametersSha256();
        two.close();

        TransactionalTrainingMaster one = master(dir);
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), one).fit(data);
        assertEquals(2, one.completedEpochs());
        assertEquals(2, one.epochsStarted(), "more than the 1 fit call");
        assertEquals(twoEpochs, one.parametersSha256(), "not rolled back: the 2-epoch state");
        one.close();
    }

    @Test
    void oneFitOnARunStoppedInsideEpochTwoSaysTheDirectoryIsAhead() {
        URI dir = tmp.resolve("stopped-in-epoch-two").toUri();
        long roundsPerEpoch = 192 / (2 * 8 * 2);
        TransactionalTrainingMaster two = master(dir);
        two.setListeners(java.util.List.of(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                if (two.committedRound() == roundsPerEpoch + 2) {
                    two.requestStop();
                }
            }
        }));
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), two);
        net.fit(data);
        assertThrows(TrainingStoppedException.class, () -> net.fit(data));
        two.close();

        TransactionalTrainingMaster one = master(dir);
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), one).fit(data);
        assertEquals(1, one.completedEpochs());
        assertEquals(2, one.epochsStarted(), "rounds of epoch 2 are in the state");
        assertEquals(roundsPerEpoch + 2, one.committedRound());
        one.close();
    }
}
