package io.txtrain.core.inspect;

import static io.txtrain.core.testing.Rounds.checkpoint;
import static io.txtrain.core.testing.Rounds.commit;
import static io.txtrain.core.testing.Rounds.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.List;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.log.LogChain;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.testing.CheckpointBytes;
import io.txtrain.core.testing.RecordingListener;
import io.txtrain.core.testing.Rounds;
import io.txtrain.core.testing.TestFs;

/** {@link DirectoryVerifier} on directories written by the recovery core, then damaged on purpose. */
class DirectoryVerifierTest {
    private static final TestFs FS = TestFs.local();
    private static final CoreSettings SMALL_SEGMENTS = CoreSettings.DEFAULTS.withSegmentBytes(4096).withRetain(5);

    /** Rounds 1-20 in several segments over two writer epochs, checkpoints of rounds 0, 8 and 20. */
    private static URI run(String hint) throws IOException {
        URI dir = FS.newDir(hint);
        try (OpenRun run = Rounds.open(FS, dir, SMALL_SEGMENTS, new RecordingListener())) {
            assertTrue(checkpoint(run, 0));
            commit(run, 1, 12);
            assertTrue(checkpoint(run, 8));
        }
        try (OpenRun run = Rounds.open(FS, dir, SMALL_SEGMENTS, new RecordingListener())) {
            commit(run, 13, 20);
            assertTrue(checkpoint(run, 20));
        }
        return dir;
    }

    private static DirectoryVerifier.Result verify(URI dir) throws IOException {
        return DirectoryVerifier.verify(FS.durable(), FS.layout(dir), null);
    }

    private static LogChain chain(URI dir) throws IOException {
        return Rounds.inspect(FS, dir).chain();
    }

    private static Path segment(URI dir, String name) throws IOException {
        return new Path(FS.layout(dir).logDir(), name);
    }

    /** Flips one byte in the middle of the {@code index}-th frame of a file; returns that frame's offset. */
    private static long flipInFrame(Path p, int index) throws IOException {
        byte[] b = FS.read(p);
        Frame f = FrameScan.of(b).frames().get(index);
        FS.rewrite(p, x -> {
            x[(int) f.offset() + FrameCodec.HEADER_BYTES + f.payload().length / 2] ^= 0x20;
            return x;
        });
        return f.offset();
    }

    private static void assertProblem(DirectoryVerifier.Result r, Path file, long offset, String... words) {
        String name = file.getName();
        assertTrue(r.findings().stream().anyMatch(f -> f.isProblem() && f.file().endsWith(name) && f.offset() == offset
                && Arrays.stream(words).allMatch(w -> f.message().contains(w))),
                "expected a problem in " + name + " at offset " + offset + " mentioning " + List.of(words) + ": "
                        + r.findings());
    }

    @Test
    void aDirectoryWrittenByTheCoreIsSound() throws Exception {
        URI dir = run("sound");
        DirectoryVerifier.Result r = verify(dir);
        assertTrue(r.sound(), r.findings().toString());
        assertEquals(List.of(), r.findings());
        assertTrue(chain(dir).segments().size() >= 3, "several segments: " + chain(dir).segments());
        assertTrue(r.frames() > 20 + 3, "every round record and more was read: " + r.frames());
    }

    @Test
    void aFlippedByteInASealedSegmentIsAProblemAtTheFramesOffsetAndEachDamageIsFoundOnItsOwn() throws Exception {
        URI dir = run("sealed");
        Path sealed = segment(dir, chain(dir).segments().get(0));
        long first = flipInFrame(sealed, 2);
        long second = flipInFrame(sealed, 5);
        DirectoryVerifier.Result r = verify(dir);
        assertProblem(r, sealed, first, "CRC32C mismatch", "valid records resume at offset");
        assertProblem(r, sealed, second, "CRC32C mismatch");
        assertTrue(r.findings().stream().anyMatch(f -> f.message().contains("recovery cannot read the log chain")),
                r.findings().toString());
        assertEquals(3, r.problems(), r.findings().toString());
    }

    @Test
    void aDamagedRecordInsideTheHeadIsAProblemAndRecoveryAgrees() throws Exception {
        URI dir = run("head");
        Path head = segment(dir, chain(dir).head());
        long offset = flipInFrame(head, 1);
        DirectoryVerifier.Result r = verify(dir);
        assertProblem(r, head, offset, "CRC32C mismatch", "valid records resume");
        assertTrue(r.recoveryError() != null && r.recoveryError().contains("offset " + offset), r.recoveryError());
    }

    @Test
    void aTornTailIsANoteBeforeAndAfterTheNextWriterSealsIt() throws Exception {
        URI dir = run("torn");
        Path head = segment(dir, chain(dir).head());
        long intact = FS.fs().getFileStatus(head).getLen();
        byte[] next = FrameCodec.encode(RecordType.ROUND_COMMIT, record(21).encode());
        FS.rewrite(head, b -> {
            byte[] c = Arrays.copyOf(b, b.length + next.length / 2);
            System.arraycopy(next, 0, c, b.length, next.length / 2);
            return c;
        });
        DirectoryVerifier.Result r = verify(dir);
        assertTrue(r.sound(), r.findings().toString());
        assertEquals(1, r.findings().size(), r.findings().toString());
        assertEquals(intact, r.findings().get(0).offset());
        assertTrue(r.findings().get(0).message().contains("torn tail"), r.findings().toString());

        try (OpenRun run = Rounds.open(FS, dir, SMALL_SEGMENTS, new RecordingListener())) {
            commit(run, 21, 21);
        }
        r = verify(dir);
        assertTrue(r.sound(), r.findings().toString());
        assertTrue(r.findings().stream().anyMatch(f -> f.file().endsWith(head.getName()) && f.offset() == intact
                && f.message().contains("past the trusted length")), r.findings().toString());
    }

    @Test
    void damagedCheckpointsLeaseAndForeignFilesAreProblemsAnUnfinishedCheckpointIsANote() throws Exception {
        URI dir = run("checkpoints");
        DirLayout l = FS.layout(dir);
        Path newest = l.checkpoint(20, 2);
        byte[] before = FS.read(newest);
        long[] params = CheckpointBytes.blob(before, "params");
        FS.rewrite(newest, b -> CheckpointBytes.flipInBlob(b, "params"));
        // round 8's checkpoint as an earlier writer wrote it (a directory), with a blob file missing
        FS.fs().delete(l.checkpoint(8, 1), false);
        Path old = CheckpointBytes.writeDirectoryCheckpoint(FS.fs(), l, 8, 1, Rounds.checksum(8), Rounds.state(8));
        FS.fs().delete(new Path(old, DirLayout.BLOB_PREFIX + "updater"), false);
        Path initial = l.checkpoint(0, 1);
        long manifestOffset = CheckpointBytes.manifestOffset(FS.read(initial));
        FS.rewrite(initial, x -> {
            x[(int) manifestOffset + FrameCodec.HEADER_BYTES + 5] ^= 0x20;
            return x;
        });
        Path lease = l.lease(2);
        FS.rewrite(lease, b -> {
            b[b.length - 1] ^= 1;
            return b;
        });
        FS.replace(new Path(l.tmpCheckpoint(21, 2, "0a1b"), DirLayout.BLOB_PREFIX + "params"), new byte[10]);
        FS.replace(new Path(l.logDir(), "notes.txt"), new byte[] {1});

        DirectoryVerifier.Result r = verify(dir);
        assertProblem(r, newest, params[0], "CRC32C of blob 'params' (bytes " + params[0] + "-"
                + (params[0] + params[1] - 1) + " of the file)", "CRC32C mismatch");
        assertTrue(r.findings().stream().anyMatch(f -> f.isProblem() && f.file().endsWith(
                "ckpt-0000000000000000008-0000000001/blob-updater") && f.message().contains("missing")),
                r.findings().toString());
        assertProblem(r, initial, manifestOffset, "MANIFEST", "CRC32C mismatch");
        assertTrue(r.findings().stream().anyMatch(f -> f.isProblem() && f.file().endsWith("writer-0000000002")),
                r.findings().toString());
        assertTrue(r.findings().stream().anyMatch(f -> f.isProblem() && f.file().endsWith("notes.txt")),
                r.findings().toString());
        assertTrue(r.findings().stream().anyMatch(f -> !f.isProblem() && f.file().contains("_tmp-")
                && f.message().contains("unfinished checkpoint")), r.findings().toString());
    }
}
