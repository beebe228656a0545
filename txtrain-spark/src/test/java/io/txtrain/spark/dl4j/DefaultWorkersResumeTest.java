package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RunMismatchException;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * The number of workers is part of a run's identity. Left to Spark's default parallelism, it is
 * taken when the run starts (local[3]: 3 workers) and kept when the run resumes on a smaller cluster
 * (local[2]): the schedule does not change and the result equals a run with 3 workers throughout.
 * Only an explicit, different count is a mismatch.
 */
class DefaultWorkersResumeTest {
    @TempDir
    Path tmp;

    private static TransactionalTrainingMaster.Builder builder(Integer workers, URI dir) {
        return (workers == null ? new TransactionalTrainingMaster.Builder(1)
                : new TransactionalTrainingMaster.Builder(workers, 1)).batchSizePerWorker(8).averagingFrequency(2)
                .rngSeed(5).checkpointDirectory(dir.toString());
    }

    /** Fits epochs {@code 0..epochs-1} (committed ones are skipped); returns the checksum. */
    private static String fit(JavaSparkContext sc, Integer workers, URI dir, int epochs) {
        TransactionalTrainingMaster tm = builder(workers, dir).build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        var data = sc.parallelize(TrainingFixtures.blobs(288, 11), 3);
        try {
            for (int e = 0; e < epochs; e++) {
                net.fit(data);
            }
            return tm.parametersSha256();
        } finally {
            tm.close();
        }
    }

    @Test
    void runLeftToDefaultParallelismResumesWithItsOwnWorkerCountOnAClusterOfAnotherSize() throws Exception {
        URI dir = tmp.resolve("default-workers").toUri();
        try (JavaSparkContext three = SparkTestSupport.local(3, 1, "three-slots")) {
            fit(three, null, dir, 1);
        }
        assertEquals("3", RecoveryDirectory.runAttributes(dir, new Configuration()).get("averaging.workers"));
        try (JavaSparkContext two = SparkTestSupport.local(2, 1, "two-slots")) {
            String expected = fit(two, 3, tmp.resolve("three-workers-throughout").toUri(), 2);
            assertEquals(expected, fit(two, null, dir, 2), "same schedule and result as 3 workers throughout");
            assertEquals(2 * 288 / (3 * 8 * 2), RecoveryDirectory.inspect(dir, new Configuration())
                    .lastCommittedRound(), "3 workers' rounds");
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> fit(two, 2, dir, 2));
            assertInstanceOf(RunMismatchException.class, e.getCause());
            assertTrue(e.getMessage().contains("averaging.workers was '3', now '2'"), e.getMessage());
        }
    }
}
