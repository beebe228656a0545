package io.txtrain.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;

/** Cuts the active log segment at every byte offset; recovery keeps exactly the complete frames. */
class LogTailTruncationTest {
    @TempDir
    Path tmp;

    private static RoundRecord record(long r) {
        return new RoundRecord(r, 0, (int) r, 100, new long[] {r}, Map.of(), "fp", 10, 0.5, new byte[32], r, Map.of());
    }

    @Test
    void truncatingTheTailAtEveryOffsetRecoversTheLongestValidPrefix() throws IOException {
        Path dir = tmp.resolve("run");
        try (OpenRun run = RecoveryDirectory.open(dir.toUri(), new Configuration(), CoreSettings.DEFAULTS, Map.of(),
                "test", io.txtrain.core.checkpoint.CheckpointListener.NONE)) {
            for (long r = 1; r <= 5; r++) {
                run.commit(record(r));
            }
        }
        Path seg;
        try (var files = Files.list(dir.resolve(DirLayout.LOG_DIR))) {
            seg = files.findFirst().orElseThrow();
        }
        byte[] full = Files.readAllBytes(seg);
        // Frame boundaries: header, recovery event, then 5 rounds.
        List<Integer> ends = new ArrayList<>();
        int header = FrameCodec.encode(RecordType.SEGMENT_HEADER,
                new SegmentHeader(1, 1, "", 0).encode()).length;
        ends.add(header);
        int pos = header;
        while (pos < full.length) {
            int len = java.nio.ByteBuffer.wrap(full, pos + 8, 4).getInt();
            pos += FrameCodec.HEADER_BYTES + len + FrameCodec.CRC_BYTES;
            ends.add(pos);
        }
        assertEquals(full.length, pos);
        assertEquals(7, ends.size());

        DurableFs fs = DurableFs.forUri(dir.toUri(), new Configuration());
        LogChainReader reader = new LogChainReader(fs, new DirLayout(fs.qualify(new org.apache.hadoop.fs.Path(dir.toUri()))));
        for (int cut = 0; cut <= full.length; cut++) {
            try (RandomAccessFile raf = new RandomAccessFile(seg.toFile(), "rw")) {
                raf.setLength(0);
                raf.write(full, 0, cut);
            }
            LogChain chain = reader.read();
            int complete = 0;
            for (int end : ends) {
                if (end <= cut) {
                    complete++;
                }
            }
            long expectedRounds = Math.max(0, complete - 2);
            assertEquals(expectedRounds, chain.rounds().size(), "cut at " + cut);
            if (complete == 0) {
                assertTrue(chain.isEmpty(), "a torn header leaves no segment on the chain, cut at " + cut);
            } else {
                assertEquals(ends.get(complete - 1).longValue(), chain.headValidLength(), "cut at " + cut);
            }
        }
    }

    @Test
    void corruptionInsideASealedSegmentIsAHardErrorNamingFileAndOffset() throws IOException {
        Path dir = tmp.resolve("sealed");
        CoreSettings small = CoreSettings.DEFAULTS.withSegmentBytes(4096);
        try (OpenRun run = RecoveryDirectory.open(dir.toUri(), new Configuration(), small, Map.of(), "test",
                io.txtrain.core.checkpoint.CheckpointListener.NONE)) {
            for (long r = 1; r <= 60; r++) {
                run.commit(record(r));
            }
        }
        List<Path> segs;
        try (var files = Files.list(dir.resolve(DirLayout.LOG_DIR))) {
            segs = files.sorted().toList();
        }
        assertTrue(segs.size() >= 2, "segments rolled: " + segs);
        Path sealed = segs.get(0);
        byte[] b = Files.readAllBytes(sealed);
        b[b.length / 2] ^= 0x10;
        Files.write(sealed, b);
        CorruptLogException e = assertThrows(CorruptLogException.class,
                () -> RecoveryDirectory.inspect(dir.toUri(), new Configuration()));
        assertTrue(e.getMessage().contains(sealed.getFileName().toString()), e.getMessage());
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
    }
}
