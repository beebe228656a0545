package io.txtrain.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
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

/** The compact history: what deleted segments held, merged and bounded. */
class RunHistoryTest {
    @TempDir
    Path tmp;

    static RoundRecord round(long n) {
        return new RoundRecord(n, 0, 0, 1, new long[] {1}, Map.of(), "00", 1, 0.5, new byte[32], n * 1000,
                Map.of());
    }

    @Test
    void downsamplingKeepsAtMostMaxEvenlyWithFirstAndLast() {
        List<RoundRecord> rounds = new ArrayList<>();
        for (long n = 1; n <= 10_001; n++) {
            rounds.add(round(n));
        }
        List<RoundRecord> d = RunHistory.downsample(rounds, 101);
        assertEquals(101, d.size());
        assertEquals(1, d.get(0).round());
        assertEquals(10_001, d.get(100).round());
        assertEquals(101, d.get(1).round());
        assertEquals(rounds.subList(0, 50), RunHistory.downsample(rounds.subList(0, 50), 101));
    }

    /** Twenty segments of 10 rounds, the last round of each torn (not committed): merged, nothing lost. */
    @Test
    void archivedSegmentsAreMergedIntoFewFilesWithEveryCommittedRound() throws Exception {
        DurableFs fs = DurableFs.forUri(tmp.toUri(), new Configuration());
        DirLayout layout = new DirLayout(new org.apache.hadoop.fs.Path(tmp.toUri()));
        for (int s = 0; s < 20; s++) {
            ByteArrayOutputStream seg = new ByteArrayOutputStream();
            if (s == 0) {
                seg.write(FrameCodec.encode(RecordType.RECOVERY,
                        new RecoveryEvent(5, 1, -1, 0, 1, "", false).encode()));
            }
            for (long r = s * 10L + 1; r <= s * 10L + 11; r++) { // round s*10+11 lies past the successor's start
                seg.write(FrameCodec.encode(RecordType.ROUND_COMMIT, round(r).encode()));
            }
            seg.write(new byte[] {0x54, 0x58}); // torn tail
            Path file = tmp.resolve("seg-" + s);
            Files.write(file, seg.toByteArray());
            RunHistory.archive(fs, layout, new org.apache.hadoop.fs.Path(file.toUri()), s * 10L + 11);
            assertTrue(fs.list(layout.historyDir()).length <= RunHistory.MAX_FILES, "bounded after segment " + s);
        }
        RunHistory.Archive a = RunHistory.read(fs, layout);
        assertEquals(200, a.rounds().size());
        for (int i = 0; i < 200; i++) {
            assertEquals(i + 1, a.rounds().get(i).round());
        }
        assertEquals(1, a.starts().size());
        assertEquals(1, a.starts().get(0).writerEpoch());
    }
}
