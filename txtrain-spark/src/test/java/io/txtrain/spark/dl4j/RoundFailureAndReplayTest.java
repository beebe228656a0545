package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * A round that fails on every attempt stops the run with a resumable error, and the re-run ends
 * bit-identical; replayed rounds are checked against their log records.
 */
class RoundFailureAndReplayTest {
    static JavaSparkContext sc;
    static JavaRDD<DataSet> data;
    static String clean;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 1, "round-failure");
        data = sc.parallelize(TrainingFixtures.blobs(LocalDeterminismTest.EXAMPLES, 7), 3).cache();
        clean = train(LocalDeterminismTest.master(tmp.resolve("clean")).build());
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static String train(TransactionalTrainingMaster tm) {
        return TrainingFixtures.fitOnce(sc, TrainingFixtures.network(16), data, tm);
    }

    @Test
    void exhaustedAttemptsStopTheRunResumably() throws Exception {
        Path dir = tmp.resolve("failing");
        TransactionalTrainingMaster failing = LocalDeterminismTest.master(dir).maxRoundAttempts(2)
                .set("spark.txtrain.test.failTasks", "6:1:0@1,6:1:0@2").build();
        RoundFailedException e = assertThrows(RoundFailedException.class, () -> train(failing));
        assertTrue(e.getMessage().contains("round 6") && e.getMessage().contains("resume at round 6"), e.getMessage());
        assertEquals(5, RecoveryDirectory.inspect(dir.toUri(), new Configuration()).lastCommittedRound(),
                "nothing of round 6 was committed");
        assertEquals(clean, train(LocalDeterminismTest.master(dir).build()), "the re-run resumes bit-identically");
    }

    @Test
    void replayedRoundsAreVerifiedAgainstTheLog() throws Exception {
        Path dir = tmp.resolve("replay");
        assertEquals(clean, train(LocalDeterminismTest.master(dir).build()));
        // Keep only the checkpoint of round 12, so rounds 13-15 must be replayed on resume.
        RecoveryPlan plan = RecoveryDirectory.inspect(dir.toUri(), new Configuration());
        assertEquals(15, plan.startRound());
        deleteCheckpoint(dir, 15);
        assertEquals(clean, train(LocalDeterminismTest.master(dir).build()), "faithful replay of 13-15");

        deleteCheckpoint(dir, 15);
        tamperChecksumOfRound(dir, 14);
        ReplayMismatchException m = assertThrows(ReplayMismatchException.class,
                () -> train(LocalDeterminismTest.master(dir).build()));
        assertTrue(m.getMessage().contains("replayed round 14") && m.getMessage().contains("state checksum")
                && m.getMessage().contains("spark.txtrain.replay.acceptMismatch"), m.getMessage());
        assertEquals(clean, train(LocalDeterminismTest.master(dir).set("spark.txtrain.replay.acceptMismatch", "true")
                .build()), "accepted mismatch continues from the replayed state");
    }

    private static void deleteCheckpoint(Path dir, long round) throws Exception {
        for (CheckpointRef ref : new io.txtrain.core.checkpoint.CheckpointStore(
                io.txtrain.core.fs.DurableFs.forUri(dir.toUri(), new Configuration()),
                new DirLayout(new org.apache.hadoop.fs.Path(dir.toUri()))).list()) {
            if (ref.round() == round) {
                org.apache.commons.io.FileUtils.forceDelete(new java.io.File(ref.path().toUri())); // file or directory
            }
        }
    }

    /** Rewrites the log with a different (validly framed) state checksum for one round: a non-deterministic replay. */
    private static void tamperChecksumOfRound(Path dir, long round) throws Exception {
        try (var segs = Files.list(dir.resolve(DirLayout.LOG_DIR))) {
            for (Path seg : segs.toList()) {
                byte[] bytes = Files.readAllBytes(seg);
                FrameReader r = new FrameReader(new ByteArrayInputStream(bytes), seg.toString(), bytes.length);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                Frame f;
                while ((f = r.next()) != null) {
                    byte[] payload = f.payload();
                    if (f.type() == RecordType.ROUND_COMMIT) {
                        RoundRecord rec = RoundRecord.decode(payload);
                        if (rec.round() == round) {
                            byte[] sum = rec.stateChecksum();
                            sum[0] ^= 1;
                            payload = new RoundRecord(rec.round(), rec.trainingEpoch(), rec.splitIndex(),
                                    rec.splitCount(), rec.seeds(), rec.hyperparameters(), rec.dataFingerprint(),
                                    rec.exampleCount(), rec.score(), sum, rec.commitTimeMillis(), rec.attributes())
                                    .encode();
                        }
                    }
                    out.write(FrameCodec.encode(f.type(), payload));
                }
                Files.write(seg, out.toByteArray());
            }
        }
    }
}
