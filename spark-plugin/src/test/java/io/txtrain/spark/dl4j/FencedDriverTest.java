package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.log.FencedException;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * A driver whose directory was taken over by a newer writer: its next commit fails as fenced, that
 * error is what the caller sees (closing adds no checkpoint and no error of its own), and the
 * master refuses to train further.
 */
class FencedDriverTest {
    @TempDir
    Path tmp;

    @Test
    void fencedDriverStopsAndCloseKeepsTheError() throws Exception {
        Path dir = tmp.resolve("run");
        try (JavaSparkContext sc = SparkTestSupport.local(2, 1, "fenced")) {
            JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(96, 7), 2).cache();
            TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                    .averagingFrequency(2).rngSeed(99).checkpointDirectory(dir.toUri().toString())
                    .checkpointPolicy("every-rounds:1000").build();
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
            net.fit(data);
            long committed = tm.committedRound();
            // what a takeover does first: a lease file of the next writer epoch
            Files.write(dir.resolve(DirLayout.LEASE_DIR).resolve("writer-0000000002"), new byte[0]);
            List<String> checkpointsBefore = checkpoints(dir);

            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> net.fit(data));
            assertTrue(e.getCause() instanceof FencedException, e.toString());
            assertEquals(committed, tm.committedRound(), "the fenced round is not committed");
            IllegalStateException again = assertThrows(IllegalStateException.class, () -> net.fit(data));
            assertTrue(again.getMessage().contains("stopped after an error"), again.getMessage());
            assertDoesNotThrow(tm::close);
            assertEquals(checkpointsBefore, checkpoints(dir), "no final checkpoint after the failure");
        }
    }

    private static List<String> checkpoints(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve(DirLayout.CHECKPOINT_DIR))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
