package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.recovery.RunMismatchException;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/** Resuming with a different network, data or averaging settings fails and names what differs. */
class ResumeRefusalTest {
    static JavaSparkContext sc;
    static JavaRDD<DataSet> data;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void trainOnce() {
        sc = SparkTestSupport.local(2, 1, "refusal");
        data = sc.parallelize(TrainingFixtures.blobs(96, 7), 2).cache();
        TransactionalTrainingMaster tm = master(2).build();
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm).fit(data);
        tm.close();
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static TransactionalTrainingMaster.Builder master(int averagingFrequency) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                .averagingFrequency(averagingFrequency).rngSeed(99)
                .checkpointDirectory(tmp.resolve("run").toUri().toString());
    }

    private static RunMismatchException refusal(TransactionalTrainingMaster tm, MultiLayerNetwork net,
                                                JavaRDD<DataSet> d) {
        try {
            UncheckedIOException e = assertThrows(UncheckedIOException.class,
                    () -> new SparkDl4jMultiLayer(sc, net, tm).fit(d));
            assertTrue(e.getCause() instanceof RunMismatchException, e.toString());
            return (RunMismatchException) e.getCause();
        } finally {
            tm.close();
        }
    }

    @Test
    void changedNetworkConfiguration() {
        RunMismatchException e = refusal(master(2).build(), TrainingFixtures.network(17), data);
        assertEquals(1, e.differences().size(), e.getMessage());
        assertTrue(e.getMessage().contains("model.config.sha256"), e.getMessage());
        assertTrue(e.getMessage().contains("new checkpoint directory"), e.getMessage());
    }

    @Test
    void changedData() {
        JavaRDD<DataSet> other = sc.parallelize(TrainingFixtures.blobs(96, 8), 2);
        RunMismatchException e = refusal(master(2).build(), TrainingFixtures.network(16), other);
        assertTrue(e.getMessage().contains("data.fingerprint"), e.getMessage());
    }

    @Test
    void changedAveragingFrequency() {
        RunMismatchException e = refusal(master(3).build(), TrainingFixtures.network(16), data);
        assertTrue(e.getMessage().contains("averaging.frequency was '2', now '3'"), e.getMessage());
    }

    @Test
    void sameSettingsResumeAndSkipTheCommittedEpoch() {
        TransactionalTrainingMaster tm = master(2).build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        net.fit(data);
        assertEquals(3, tm.committedRound(), "epoch 0 (3 rounds) was already committed and is skipped");
        tm.close();
    }

    @Test
    void missingCheckpointDirectoryNamesTheKey() {
        TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(2, 1).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm).fit(data));
        assertTrue(e.getMessage().contains("spark.txtrain.checkpoint.dir"), e.getMessage());
    }

    @Test
    void badPolicyNamesKeyValueAndAllowedForms() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> master(2).checkpointPolicy("every-rounds:x").build());
        assertTrue(e.getMessage().contains("spark.txtrain.checkpoint.policy = 'every-rounds:x'"), e.getMessage());
    }
}
