package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;

import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.testing.TestFs;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * {@code close()} releases the checkpoint directory on every path: when the closing thread is
 * interrupted (a notebook cell cancelled while a persist runs), after {@code sc.stop()}, and when
 * called twice. Released means the lease file says so (modification time 0) and a new writer with a
 * 10-minute lease timeout opens the directory at once and resumes to the same model.
 */
abstract class ClosePathsContract {
    protected abstract TestFs fs();

    private static TransactionalTrainingMaster master(URI dir) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2).rngSeed(7)
                .checkpointDirectory(dir.toString()).checkpointPolicy("every-rounds:100")
                .set("spark.txtrain.lease.heartbeat", "1s").set("spark.txtrain.lease.timeout", "10min").build();
    }

    private static JavaRDD<DataSet> data(JavaSparkContext sc) {
        return sc.parallelize(TrainingFixtures.blobs(96, 3), 2);
    }

    /** Trains one epoch; returns the master (not closed) and the model checksum. */
    private static String trainOneEpoch(JavaSparkContext sc, TransactionalTrainingMaster tm) {
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), tm).fit(data(sc));
        return tm.parametersSha256();
    }

    private void assertReleased(URI dir, String sha) throws Exception {
        DirLayout layout = fs().layout(dir);
        FileStatus highest = null;
        for (FileStatus s : fs().fs().listStatus(layout.leaseDir())) {
            if (highest == null || DirLayout.parseLease(s.getPath().getName())
                    > DirLayout.parseLease(highest.getPath().getName())) {
                highest = s;
            }
        }
        assertEquals(0, highest.getModificationTime(), "lease " + highest.getPath() + " is released");
        // a new writer does not wait for the 10-minute lease timeout, and resumes to the same model
        String resumed = assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            try (JavaSparkContext sc = SparkTestSupport.local(2, 1, "close-resume")) {
                TransactionalTrainingMaster tm = master(dir);
                String s = trainOneEpoch(sc, tm); // epoch 0 is committed: skipped
                tm.close();
                return s;
            }
        });
        assertEquals(sha, resumed);
    }

    @Test
    void interruptDuringCloseReleasesTheLease() throws Exception {
        URI dir = fs().newDir("close-interrupt");
        String sha;
        boolean stillInterrupted;
        try (JavaSparkContext sc = SparkTestSupport.local(2, 1, "close-interrupt")) {
            TransactionalTrainingMaster tm = master(dir);
            sha = trainOneEpoch(sc, tm);
            Thread.currentThread().interrupt(); // the cell's cancel arrives as close() begins
            try {
                tm.close();
            } finally {
                stillInterrupted = Thread.interrupted();
            }
        }
        assertTrue(stillInterrupted, "close() keeps the interrupt status for the caller");
        assertReleased(dir, sha);
    }

    @Test
    void closeAfterSparkContextStopReleasesTheLease() throws Exception {
        URI dir = fs().newDir("close-after-stop");
        String sha;
        JavaSparkContext sc = SparkTestSupport.local(2, 1, "close-after-stop");
        TransactionalTrainingMaster tm = master(dir);
        try {
            sha = trainOneEpoch(sc, tm);
        } finally {
            sc.stop();
        }
        tm.close();
        assertReleased(dir, sha);
    }

    @Test
    void closeTwiceReleasesOnceAndDoesNotThrow() throws Exception {
        URI dir = fs().newDir("close-twice");
        String sha;
        try (JavaSparkContext sc = SparkTestSupport.local(2, 1, "close-twice")) {
            TransactionalTrainingMaster tm = master(dir);
            sha = trainOneEpoch(sc, tm);
            tm.close();
            tm.close();
        }
        assertReleased(dir, sha);
    }
}
