package io.txtrain.core.log;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.cli.Txtrain;
import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;

/**
 * LINEAGE and ROUND_STATE records (docs/PROTOCOL.md §3.3, §3.4): a lineage change replaces a
 * round's checksum for readers and for checkpoint trust; a state image larger than a chunk is
 * split and read back whole; only images a recovery can use are kept; images of a round that never
 * committed are ignored; a lineage record for an uncommitted round, or from a checksum the round
 * does not have, is corruption; {@code txtrain verify} accepts both record types.
 */
class LineageAndStateImageLogTest {
    @TempDir
    Path tmp;

    /** Rounds 1-3 are epoch 0 (its last round is 3), rounds 4-6 epoch 1. */
    private static RoundRecord record(long r, byte[] checksum) {
        int epoch = (int) ((r - 1) / 3);
        return new RoundRecord(r, epoch, (int) ((r - 1) % 3), 3, new long[] {r}, Map.of(), "fp" + r, 10, 0.5,
                checksum, r, Map.of(RoundRecord.ENVIRONMENT, "cpu=old"));
    }

    private static byte[] sum(long r, String lineage) {
        byte[] b = new byte[32];
        new Random(r * 31 + lineage.hashCode()).nextBytes(b);
        return b;
    }

    private static OpenRun open(Path dir) throws IOException {
        return RecoveryDirectory.open(dir.toUri(), new Configuration(), CoreSettings.DEFAULTS, Map.of("run", "x"),
                "test", CheckpointListener.NONE);
    }

    @Test
    void lineageReplacesChecksumsAndStateImagesAreChunkedAndPruned() throws Exception {
        Path dir = tmp.resolve("run");
        byte[] big = new byte[RoundStateChunk.MAX_CHUNK * 2 + 12345];
        new Random(7).nextBytes(big);
        try (OpenRun run = open(dir)) {
            run.commit(record(1, sum(1, "a")), "image-1".getBytes(StandardCharsets.UTF_8));
            run.commit(record(2, sum(2, "a")), "image-2".getBytes(StandardCharsets.UTF_8));
            run.commit(record(3, sum(3, "a")), "image-3".getBytes(StandardCharsets.UTF_8));
            run.commit(record(4, sum(4, "a")), big);
            run.commit(record(5, sum(5, "a")));
            run.commit(record(6, sum(6, "a")));
            // a takeover re-executes 5 and 6 in another environment
        }
        try (OpenRun run = open(dir)) {
            assertEquals(6, run.plan().lastCommittedRound());
            run.recordLineage(new LineageChange(1, run.writerEpoch(), 5, sum(5, "a"), sum(5, "b"), "cpu=old",
                    "cpu=new", "environment changed"));
            run.recordLineage(new LineageChange(2, run.writerEpoch(), 6, sum(6, "a"), sum(6, "b"), "cpu=old",
                    "cpu=new", "environment changed"));
            run.checkpoints().persistNow(run.handOver(6, sum(6, "b"), Map.of("params", new byte[] {6})));
            assertThrows(IllegalArgumentException.class, () -> run.recordLineage(new LineageChange(3,
                    run.writerEpoch(), 7, sum(7, "a"), sum(7, "b"), "", "", "x")), "round 7 is not committed");
        }
        RecoveryPlan plan = RecoveryDirectory.inspect(dir.toUri(), new Configuration());
        LogChain chain = plan.chain();
        assertEquals(2, chain.lineage().size());
        assertArrayEquals(sum(5, "b"), chain.round(5).stateChecksum());
        assertArrayEquals(sum(6, "b"), chain.round(6).stateChecksum());
        assertEquals("cpu=new", chain.round(6).attributes().get(RoundRecord.ENVIRONMENT));
        assertArrayEquals(sum(4, "a"), chain.round(4).stateChecksum(), "rounds before the change keep theirs");
        assertEquals(6, plan.startRound(), "the new lineage's checkpoint is trusted");
        assertTrue(plan.rejected().isEmpty(), plan.rejected().toString());

        assertNull(chain.stateImage(1), "superseded by round 2's");
        assertNull(chain.stateImage(2), "superseded by round 3's");
        assertArrayEquals("image-3".getBytes(StandardCharsets.UTF_8), chain.stateImage(3), "kept: the end of epoch 0");
        assertArrayEquals(big, chain.stateImage(4), "three chunks read back whole");
        assertNull(chain.stateImage(5));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Txtrain.run(new String[] {"verify", dir.toString()}, new PrintStream(out, true,
                StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        assertEquals(0, code, out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void imagesOfUncommittedRoundsAreIgnoredAndBadLineageIsCorruption() throws Exception {
        Path dir = tmp.resolve("torn");
        try (OpenRun run = open(dir)) {
            run.commit(record(1, sum(1, "a")), new byte[] {1});
        }
        Path seg;
        try (var files = Files.list(dir.resolve(DirLayout.LOG_DIR))) {
            seg = files.sorted().reduce((a, b) -> b).orElseThrow();
        }
        // the image of round 2 was written, its commit never was (the writer died in between)
        Files.write(seg, FrameCodec.encode(RecordType.ROUND_STATE, new RoundStateChunk(2, 0, 1, new byte[] {2})
                .encode()), StandardOpenOption.APPEND);
        try (OpenRun run = open(dir)) {
            assertEquals(1, run.plan().lastCommittedRound());
            run.commit(record(2, sum(2, "a")));
        }
        LogChain chain = RecoveryDirectory.inspect(dir.toUri(), new Configuration()).chain();
        assertNull(chain.stateImage(2), "the dead writer's image is not round 2's");
        assertArrayEquals(new byte[] {1}, chain.stateImage(1));

        Path bad = tmp.resolve("bad");
        try (OpenRun run = open(bad)) {
            run.commit(record(1, sum(1, "a")));
            run.recordLineage(new LineageChange(1, run.writerEpoch(), 1, sum(1, "other"), sum(1, "b"), "", "", "x"));
        }
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RecoveryDirectory.inspect(bad.toUri(), new Configuration()));
        assertTrue(e.getMessage().contains("changes round 1 from checksum"), e.getMessage());
    }
}
