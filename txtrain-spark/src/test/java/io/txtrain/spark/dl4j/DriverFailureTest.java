package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.log.FencedException;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/** What the caller sees when the driver's storage fails under it. */
class DriverFailureTest {
    static JavaSparkContext sc;
    static JavaRDD<DataSet> data;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 1, "driver-failure");
        data = sc.parallelize(TrainingFixtures.blobs(96, 7), 2).cache();
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static TransactionalTrainingMaster master(Path dir) {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2).rngSeed(99)
                .checkpointDirectory(dir.toUri().toString()).checkpointPolicy("every-rounds:1000").build();
    }

    /**
     * A driver whose directory was taken over by a newer writer: its next commit fails as fenced,
     * that error is what the caller sees (closing adds no checkpoint and no error of its own), and
     * the master refuses to train further.
     */
    @Test
    void fencedDriverStopsAndCloseKeepsTheError() throws Exception {
        Path dir = tmp.resolve("run");
        TransactionalTrainingMaster tm = master(dir);
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

    /**
     * The final checkpoint on close cannot be written: close still releases the directory, then
     * throws saying that every round is committed; the next driver replays them to the same state.
     */
    @Test
    void failedFinalCheckpointIsReportedAndNothingIsLost() throws Exception {
        Path dir = tmp.resolve("run");
        TransactionalTrainingMaster tm = master(dir);
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm).fit(data);
        long rounds = tm.committedRound();
        String sha = tm.parametersSha256();
        // the checkpoints directory replaced by a file: the publish fails for real
        Path checkpoints = dir.resolve(DirLayout.CHECKPOINT_DIR);
        Path aside = tmp.resolve("aside");
        Files.move(checkpoints, aside);
        Files.write(checkpoints, new byte[0]);

        IllegalStateException e = assertThrows(IllegalStateException.class, tm::close);
        assertTrue(e.getMessage().contains("final checkpoint (round " + rounds + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("All " + rounds + " rounds are committed"), e.getMessage());

        Files.delete(checkpoints);
        Files.move(aside, checkpoints);
        TransactionalTrainingMaster resumed = master(dir); // the lease was released: no wait
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), resumed).fit(data);
        assertEquals(rounds, resumed.committedRound());
        assertEquals(sha, resumed.parametersSha256(), "replayed from the initial checkpoint to the same state");
        resumed.close();
        var recoveries = RecoveryDirectory.inspect(dir.toUri(), new Configuration()).chain().recoveries();
        var last = recoveries.get(recoveries.size() - 1);
        assertEquals(0, last.checkpointRound(), "resumed from the initial checkpoint");
        assertEquals(rounds, last.replayedRounds());
    }

    /**
     * The periodic checkpoint of the last round fails in the background; storage recovers before
     * close, which must then write that round's checkpoint instead of taking the failed one as done.
     */
    @Test
    void closeRetriesAFailedCheckpointOfTheLastRound() throws Exception {
        Path dir = tmp.resolve("run");
        // 96 examples, 2 workers x batch 8, averaging 2: 3 rounds per epoch, a checkpoint every 3
        TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                .averagingFrequency(2).rngSeed(99).checkpointDirectory(dir.toUri().toString())
                .checkpointPolicy("every-rounds:3").build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        net.fit(data);
        assertTrue(tm.awaitPersists(1, TimeUnit.MINUTES));
        assertEquals(List.of("ckpt-0000000000000000000-0000000001", "ckpt-0000000000000000003-0000000001"),
                checkpoints(dir));
        Path checkpoints = dir.resolve(DirLayout.CHECKPOINT_DIR);
        Path aside = tmp.resolve("aside");
        Files.move(checkpoints, aside);
        Files.write(checkpoints, new byte[0]);
        net.fit(data); // rounds 4-6; the checkpoint of round 6 fails
        assertTrue(tm.awaitPersists(1, TimeUnit.MINUTES));
        Files.delete(checkpoints);
        Files.move(aside, checkpoints);
        tm.close();
        assertTrue(checkpoints(dir).contains("ckpt-0000000000000000006-0000000001"), checkpoints(dir).toString());
    }

    private static List<String> checkpoints(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir.resolve(DirLayout.CHECKPOINT_DIR))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
