package io.txtrain.core.recovery;

import static io.txtrain.core.testing.Rounds.assertMentions;
import static io.txtrain.core.testing.Rounds.assertPlan;
import static io.txtrain.core.testing.Rounds.assertState;
import static io.txtrain.core.testing.Rounds.checkpoint;
import static io.txtrain.core.testing.Rounds.checksum;
import static io.txtrain.core.testing.Rounds.commit;
import static io.txtrain.core.testing.Rounds.record;
import static io.txtrain.core.testing.Rounds.state;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32C;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.log.CorruptLogException;
import io.txtrain.core.log.LogChain;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.testing.CheckpointBytes;
import io.txtrain.core.testing.RecordingListener;
import io.txtrain.core.testing.Rounds;
import io.txtrain.core.testing.TestFs;
import io.txtrain.core.testing.Verdicts;

/**
 * The recovery core's contract (docs/PROTOCOL.md), run unchanged against every real file system a
 * subclass supplies. Every test works in its own new directory.
 */
abstract class RecoveryCoreContract {
    /** 4096-byte segments: a segment rolls about every 8 rounds. */
    static final CoreSettings SMALL_SEGMENTS = CoreSettings.DEFAULTS.withSegmentBytes(4096);

    final RecordingListener listener = new RecordingListener();

    protected abstract TestFs fs();

    OpenRun open(URI dir) throws IOException {
        return open(dir, CoreSettings.DEFAULTS);
    }

    OpenRun open(URI dir, CoreSettings settings) throws IOException {
        return Rounds.open(fs(), dir, settings, listener);
    }

    RecoveryPlan inspect(URI dir) throws IOException {
        return Rounds.inspect(fs(), dir);
    }

    CheckpointStore store(URI dir) throws IOException {
        return new CheckpointStore(fs().durable(), fs().layout(dir));
    }

    boolean exists(Path p) throws IOException {
        return fs().fs().exists(p);
    }


    /**
     * The fence check's listing and the publishing rename behave alike on every store: names
     * sorted, hidden ones left out, a missing directory empty; a rename never replaces a target
     * and reports a missing source.
     */
    @Test
    void namesAndRenamesAreTheSameOnEveryStore() throws Exception {
        DurableFs d = fs().durable();
        Path dir = new Path(fs().newDir("names"));
        assertEquals(List.of(), d.listNames(dir), "a missing directory has no names");
        d.mkdirs(dir);
        for (String n : List.of("b", "a", ".hidden")) {
            d.writeAtomically(new Path(dir, n), n.getBytes(StandardCharsets.UTF_8));
        }
        d.mkdirs(new Path(dir, "c"));
        assertEquals(List.of("a", "b", "c"), d.listNames(dir));

        assertFalse(d.rename(new Path(dir, "a"), new Path(dir, "b")), "an existing target is never replaced");
        assertArrayEquals("b".getBytes(StandardCharsets.UTF_8), d.readAll(new Path(dir, "b"), 10));
        assertTrue(d.rename(new Path(dir, "a"), new Path(dir, "d")));
        assertEquals(List.of("b", "c", "d"), d.listNames(dir));
        assertArrayEquals("a".getBytes(StandardCharsets.UTF_8), d.readAll(new Path(dir, "d"), 10));
        assertFalse(d.rename(new Path(dir, "a"), new Path(dir, "e")), "a missing source");
    }

    @Test
    void freshDirectoryPlansAFreshStart() throws Exception {
        URI dir = fs().newDir("fresh");
        RecoveryPlan missing = inspect(dir);
        assertTrue(missing.fresh());
        assertNull(missing.start());
        assertEquals(1, missing.nextRound());

        fs().fs().mkdirs(new Path(dir)); // an existing, empty directory is fresh too
        assertTrue(inspect(dir).fresh());

        try (OpenRun run = open(dir)) {
            assertTrue(run.plan().fresh());
            assertEquals(1, run.nextRound());
            assertEquals(1, run.writerEpoch());
            DirLayout l = fs().layout(dir);
            assertTrue(exists(l.format()));
            assertTrue(exists(l.lease(1)));
            assertTrue(exists(l.segment(1, 1)));
        }
    }

    @Test
    void committedRoundsSurviveReopen() throws Exception {
        URI dir = fs().newDir("reopen");
        int n = 30;
        try (OpenRun run = open(dir, SMALL_SEGMENTS)) {
            commit(run, 1, n);
            // a reader that takes no lease sees every round whose commit returned, while the writer still runs
            assertPlan(inspect(dir), 0, n);
        }
        try (OpenRun run = open(dir, SMALL_SEGMENTS)) {
            assertEquals(2, run.writerEpoch());
            assertPlan(run.plan(), 0, n);
            assertEquals(n + 1, run.nextRound());
            run.commit(record(n + 1));
        }
        RecoveryPlan after = inspect(dir);
        assertPlan(after, 0, n + 1);
        assertTrue(after.chain().segments().size() >= 4, "segments rolled: " + after.chain().segments());
        List<RecoveryEvent> starts = after.chain().recoveries();
        assertEquals(List.of(1L, 2L), starts.stream().map(RecoveryEvent::writerEpoch).toList());
        assertEquals(n + 1, starts.get(1).nextRound());
        assertMentions(starts.get(1).previousHolder(), "writer epoch 1");
    }

    @Test
    void checkpointPublishVerifyLoadRoundTrip() throws Exception {
        URI dir = fs().newDir("roundtrip");
        DirLayout l = fs().layout(dir);
        try (OpenRun run = open(dir)) {
            assertTrue(checkpoint(run, 0), "the initial state (round 0) is a valid checkpoint");
            commit(run, 1, 3);
            Map<String, byte[]> live = state(3);
            CheckpointSnapshot snap = run.snapshot(3, checksum(3), live);
            live.get("params")[0] ^= 1; // the trainer goes on changing its arrays: the snapshot must not see it
            assertTrue(run.checkpoints().persistNow(snap));
            RecordingListener.Outcome o = listener.outcome(3);
            assertTrue(o.published());
            assertEquals(l.checkpoint(3, 1), o.ref().path());
            assertState(store(dir).load(o.ref()), 3);
            assertTrue(store(dir).listTemporary().isEmpty());
            // one file: the blobs back to back in name order, the MANIFEST frame, the footer
            byte[] file = fs().read(l.checkpoint(3, 1));
            assertTrue(fs().fs().getFileStatus(l.checkpoint(3, 1)).isFile());
            Map<String, byte[]> expected = state(3);
            assertEquals(List.of("counters", "params", "updater"),
                    CheckpointBytes.manifest(file).entries().stream().map(e -> e.name()).toList());
            long at = 0;
            for (String name : List.of("counters", "params", "updater")) {
                byte[] blob = expected.get(name);
                assertArrayEquals(blob, Arrays.copyOfRange(file, (int) at, (int) at + blob.length), name);
                at += blob.length;
            }
            assertEquals(at, CheckpointBytes.manifestOffset(file));
            commit(run, 4, 5);
        }
        assertPlan(inspect(dir), 3, 5);
        try (OpenRun run = open(dir)) {
            assertPlan(run.plan(), 3, 5);
            assertTrue(run.plan().rejected().isEmpty());
        }
    }

    /**
     * A snapshot of views of bytes that never change (the trainer's immutable states), on and off
     * the heap, each larger than a write chunk (4 MiB) and starting inside its array or buffer,
     * publishes and loads as those bytes.
     */
    @Test
    void aCheckpointOfViewsOnAndOffTheHeapLoadsAsItsBytes() throws Exception {
        URI dir = fs().newDir("views");
        try (OpenRun run = open(dir)) {
            assertTrue(checkpoint(run, 0));
            commit(run, 1, 3);
            Map<String, List<java.nio.ByteBuffer>> views = new java.util.TreeMap<>();
            Rounds.state(3, (9 << 20) + 3).forEach((name, b) -> {
                int onHeap = b.length / 2; // of the 9 MiB blob, 4.5 MiB on and 4.5 MiB off the heap
                byte[] padded = new byte[onHeap + 3];
                System.arraycopy(b, 0, padded, 3, onHeap);
                java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(b.length - onHeap + 7).position(7);
                direct.put(b, onHeap, b.length - onHeap).position(7);
                views.put(name, List.of(java.nio.ByteBuffer.wrap(padded, 3, onHeap), direct));
            });
            assertTrue(run.checkpoints().persistNow(run.snapshotOfImmutable(3, checksum(3), views)));
            assertState(store(dir).load(listener.outcome(3).ref()), 3);
        }
    }

    /**
     * A checkpoint directory of an earlier writer (blob files and a MANIFEST file) is still
     * verified, trusted and loaded; a writer resumes from it, publishes one-file checkpoints next to
     * it, and retention deletes it like any other.
     */
    @Test
    void directoryCheckpointOfAnEarlierWriterIsStillRead() throws Exception {
        URI dir = fs().newDir("earlier-format");
        DirLayout l = fs().layout(dir);
        try (OpenRun run = open(dir)) {
            commit(run, 1, 5);
        }
        Path old = CheckpointBytes.writeDirectoryCheckpoint(fs().fs(), l, 4, 1, checksum(4), state(4));
        RecoveryPlan plan = inspect(dir);
        assertPlan(plan, 4, 5);
        assertState(plan.start(), 4);
        CheckpointRef ref = store(dir).list().get(0);
        assertEquals(old, ref.path());
        assertState(store(dir).load(ref), 4);
        try (OpenRun run = open(dir)) {
            assertPlan(run.plan(), 4, 5);
            assertState(run.plan().start(), 4);
            commit(run, 6, 6);
            assertTrue(checkpoint(run, 6));
            assertEquals(List.of(6L, 4L), rounds(store(dir).list()));
            commit(run, 7, 8);
            assertTrue(checkpoint(run, 8));
            assertEquals(List.of(8L, 6L), rounds(store(dir).list()), "retention deleted the old directory");
            assertFalse(exists(old));
        }
        assertPlan(inspect(dir), 8, 8);
    }

    /**
     * How a published checkpoint can be damaged: a flipped bit in a blob, a file cut short before
     * its manifest (the manifest is missing), a file cut inside its blobs (a torn or partial copy), a
     * damaged footer; and, for the directory checkpoints of earlier writers, a flipped bit in a blob
     * file and a missing MANIFEST file.
     */
    enum Damage { FLIPPED_BYTE_IN_BLOB, MISSING_MANIFEST, TORN_DATA_FILE, FLIPPED_FOOTER, DIRECTORY_FLIPPED_BLOB,
        DIRECTORY_MISSING_MANIFEST }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void recoveryFallsBackToAnOlderCheckpointWhenTheNewestIsDamaged(Damage damage) throws Exception {
        URI dir = fs().newDir("damaged-" + damage);
        boolean directory = damage.name().startsWith("DIRECTORY_");
        try (OpenRun run = open(dir)) {
            commit(run, 1, 2);
            assertTrue(checkpoint(run, 2));
            commit(run, 3, 4);
            if (!directory) {
                assertTrue(checkpoint(run, 4));
            }
            commit(run, 5, 5);
        }
        Path newest = fs().layout(dir).checkpoint(4, 1);
        if (directory) {
            CheckpointBytes.writeDirectoryCheckpoint(fs().fs(), fs().layout(dir), 4, 1, checksum(4), state(4));
            assertPlan(inspect(dir), 4, 5); // the earlier writers' format, undamaged, is trusted
        }
        String why = switch (damage) {
            case FLIPPED_BYTE_IN_BLOB -> {
                flipByteInParams(dir, 4, 1);
                yield "CRC32C mismatch";
            }
            case MISSING_MANIFEST -> {
                fs().rewrite(newest, b -> Arrays.copyOf(b, (int) CheckpointBytes.manifestOffset(b)));
                yield "MANIFEST is missing";
            }
            case TORN_DATA_FILE -> {
                fs().rewrite(newest, b -> Arrays.copyOf(b, b.length / 2));
                yield "MANIFEST is missing";
            }
            case FLIPPED_FOOTER -> {
                fs().rewrite(newest, b -> {
                    b[b.length - CheckpointBytes.FOOTER_BYTES + 7] ^= 1; // the manifest's offset
                    return b;
                });
                yield "MANIFEST";
            }
            case DIRECTORY_FLIPPED_BLOB -> {
                fs().rewrite(new Path(newest, DirLayout.BLOB_PREFIX + "params"), b -> {
                    b[b.length / 2] ^= 0x10;
                    return b;
                });
                yield "CRC32C mismatch";
            }
            case DIRECTORY_MISSING_MANIFEST -> {
                assertTrue(fs().fs().delete(new Path(newest, DirLayout.MANIFEST), false));
                yield "MANIFEST is missing";
            }
        };
        RecoveryPlan plan = inspect(dir);
        assertPlan(plan, 2, 5);
        assertEquals(1, plan.rejected().size(), plan.rejected().toString());
        assertTrue(plan.rejected().get(0).startsWith(newest.getName()), plan.rejected().toString());
        assertTrue(plan.rejected().get(0).contains(why), plan.rejected().toString());

        try (OpenRun run = open(dir)) {
            assertPlan(run.plan(), 2, 5);
            run.commit(record(6));
        }
    }

    @Test
    void checkpointWhoseStateDiffersFromItsLogRecordIsRejected() throws Exception {
        URI dir = fs().newDir("mismatch");
        try (OpenRun run = open(dir)) {
            commit(run, 1, 3);
            assertTrue(checkpoint(run, 1));
            // a checkpoint of round 3 with a state that is not the one round 3 committed
            CheckpointSnapshot wrong = run.snapshot(3, Rounds.sha256("some other state"), state(3));
            assertTrue(run.checkpoints().persistNow(wrong), "the store itself cannot know; recovery must");
        }
        RecoveryPlan plan = inspect(dir);
        assertPlan(plan, 1, 3);
        assertEquals(1, plan.rejected().size(), plan.rejected().toString());
        assertTrue(plan.rejected().get(0).contains("differs from the committed round's"), plan.rejected().toString());
    }

    /**
     * Retention keeps the newest K = 2 checkpoints and deletes only segments whose rounds are all
     * before the oldest kept one; the log from there on, and the plan, stay complete.
     */
    @Test
    void retentionKeepsNewestCheckpointsAndTruncatesOnlyCoveredSegments() throws Exception {
        URI dir = fs().newDir("retention");
        List<Long> published = new ArrayList<>();
        try (OpenRun run = open(dir, SMALL_SEGMENTS)) {
            for (long r = 1; r <= 40; r++) {
                run.commit(record(r));
                if (r % 8 == 0) {
                    assertTrue(checkpoint(run, r));
                    published.add(r);
                    List<Long> kept = rounds(store(dir).list());
                    List<Long> newest = new ArrayList<>(published.subList(Math.max(0, published.size() - 2),
                            published.size()));
                    java.util.Collections.reverse(newest);
                    assertEquals(newest, kept, "checkpoints kept after publishing round " + r);
                    assertLogCovers(dir, published.size() < 2 ? 1 : kept.get(1));
                }
            }
            commit(run, 41, 45);
        }
        RecoveryPlan plan = inspect(dir);
        assertPlan(plan, 40, 45);
        assertTrue(plan.chain().firstRound() > 1, "old segments were truncated: " + plan.chain().segments());

        // the older kept checkpoint and the log after it are enough on their own
        fs().rewrite(fs().layout(dir).checkpoint(40, 1), b -> CheckpointBytes.flipInBlob(b, "updater"));
        assertPlan(inspect(dir), 32, 45);
        try (OpenRun run = open(dir, SMALL_SEGMENTS)) {
            assertPlan(run.plan(), 32, 45);
            run.commit(record(46));
        }
        assertPlan(inspect(dir), 32, 46);
    }

    /**
     * A checkpoint that recovery rejected does not count towards K = 2: the older trusted one it
     * would displace stays until K trusted checkpoints are newer, and then both go.
     */
    @Test
    void retentionDoesNotCountCheckpointsThatRecoveryRejected() throws Exception {
        URI dir = fs().newDir("retention-untrusted");
        try (OpenRun run = open(dir)) {
            commit(run, 1, 3);
            assertTrue(checkpoint(run, 3));
            commit(run, 4, 6);
            assertTrue(checkpoint(run, 6));
        }
        flipByteInParams(dir, 6, 1);
        try (OpenRun run = open(dir)) {
            assertPlan(run.plan(), 3, 6);
            commit(run, 7, 9);
            assertTrue(checkpoint(run, 9));
            assertEquals(List.of(9L, 6L, 3L), rounds(store(dir).list()),
                    "the rejected checkpoint of round 6 does not count; round 3 is the second trusted one");
            commit(run, 10, 12);
            assertTrue(checkpoint(run, 12));
            assertEquals(List.of(12L, 9L), rounds(store(dir).list()), "older than the second trusted one: deleted");
        }
        flipByteInParams(dir, 12, 2);
        assertPlan(inspect(dir), 9, 12);
    }

    private void flipByteInParams(URI dir, long round, long writerEpoch) throws IOException {
        fs().rewrite(fs().layout(dir).checkpoint(round, writerEpoch), b -> CheckpointBytes.flipInBlob(b, "params"));
    }

    private static List<Long> rounds(List<CheckpointRef> refs) {
        return refs.stream().map(CheckpointRef::round).toList();
    }

    /**
     * The log holds the record of round {@code oldestKept}, no segment whose rounds are all before
     * it, and no file that is not on the chain.
     */
    private void assertLogCovers(URI dir, long oldestKept) throws IOException {
        LogChain chain = inspect(dir).chain();
        assertNotNull(chain.round(oldestKept), "record of round " + oldestKept + " kept: " + chain.segments());
        if (chain.segments().size() > 1) {
            assertTrue(chain.segmentFirstRounds().get(1) > oldestKept,
                    "segments before round " + oldestKept + " were deleted: " + chain.segments());
        }
        assertEquals(chain.segments().size(), fs().durable().list(fs().layout(dir).logDir()).length,
                "every segment is on the chain");
    }

    enum Tear { TRUNCATED_FRAME, HALF_WRITTEN_FRAME, RANDOM_GARBAGE }

    /** What a crash leaves at the end of the active segment is ignored, now and after later writers. */
    @ParameterizedTest
    @EnumSource(Tear.class)
    void tornTailOfTheHeadSegmentIsIgnored(Tear tear) throws Exception {
        URI dir = fs().newDir("torn-" + tear);
        try (OpenRun run = open(dir)) {
            commit(run, 1, 5);
        }
        Path head = new Path(fs().layout(dir).logDir(), inspect(dir).chain().head());
        long intact = fs().fs().getFileStatus(head).getLen();
        byte[] round6 = FrameCodec.encode(RecordType.ROUND_COMMIT, record(6).encode());
        long last = switch (tear) {
            case TRUNCATED_FRAME -> {
                fs().rewrite(head, b -> Arrays.copyOf(b, b.length - 7));
                yield 4;
            }
            case HALF_WRITTEN_FRAME -> {
                fs().rewrite(head, b -> concat(b, Arrays.copyOf(round6, round6.length / 2)));
                yield 5;
            }
            case RANDOM_GARBAGE -> {
                byte[] junk = new byte[100];
                new Random(42).nextBytes(junk);
                fs().rewrite(head, b -> concat(b, junk));
                yield 5;
            }
        };
        RecoveryPlan plan = inspect(dir);
        assertPlan(plan, 0, last);
        long valid = plan.chain().headValidLength();
        assertTrue(last == 5 ? valid == intact : valid < intact - 7, "valid prefix " + valid + " of " + intact);

        try (OpenRun run = open(dir)) {
            assertPlan(run.plan(), 0, last);
            commit(run, last + 1, last + 2);
        }
        // the torn bytes now lie past the trusted length of a sealed segment: still ignored, not corruption
        assertPlan(inspect(dir), 0, last + 2);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Test
    void corruptionInsideASealedSegmentIsAnErrorNamingFileAndOffset() throws Exception {
        URI dir = fs().newDir("sealed");
        try (OpenRun run = open(dir, SMALL_SEGMENTS)) {
            commit(run, 1, 20);
        }
        LogChain chain = inspect(dir).chain();
        assertTrue(chain.segments().size() >= 3, chain.segments().toString());
        String sealed = chain.segments().get(0);
        Path seg = new Path(fs().layout(dir).logDir(), sealed);
        byte[] bytes = fs().read(seg);
        FrameReader frames = new FrameReader(new ByteArrayInputStream(bytes), sealed, bytes.length);
        frames.next(); // header
        frames.next(); // recovery event
        Frame round1 = frames.next();
        assertEquals(RecordType.ROUND_COMMIT, round1.type());
        int flip = (int) round1.offset() + FrameCodec.HEADER_BYTES + 20;
        fs().rewrite(seg, b -> {
            b[flip] ^= 0x01;
            return b;
        });

        CorruptLogException e = assertThrows(CorruptLogException.class, () -> inspect(dir));
        assertMentions(e, sealed, "offset " + round1.offset());
        assertThrows(CorruptLogException.class, () -> open(dir, SMALL_SEGMENTS), "a writer refuses it too");

        fs().rewrite(seg, b -> {
            b[flip] ^= 0x01;
            return b;
        });
        try (OpenRun run = open(dir, SMALL_SEGMENTS)) { // and the failed open did not keep the lease
            assertPlan(run.plan(), 0, 20);
        }
    }

    @Test
    void unknownFilesAreClearErrors() throws Exception {
        URI dir = fs().newDir("unknown");
        try (OpenRun run = open(dir)) {
            commit(run, 1, 2);
        }
        DirLayout l = fs().layout(dir);
        byte[] text = "notes".getBytes(StandardCharsets.UTF_8);

        fs().replace(new Path(l.logDir(), ".seg-notes.crc"), text);
        assertPlan(inspect(dir), 0, 2); // hidden side files are not the protocol's

        Path strayLog = new Path(l.logDir(), "seg-old.log");
        fs().replace(strayLog, text);
        assertMentions(assertThrows(CorruptLogException.class, () -> inspect(dir)), "seg-old.log");
        assertMentions(assertThrows(CorruptLogException.class, () -> open(dir)), "seg-old.log");
        fs().fs().delete(strayLog, false);

        Path notes = new Path(l.root(), "notes.txt");
        fs().replace(notes, text);
        assertMentions(assertThrows(IOException.class, () -> inspect(dir)), "notes.txt");
        assertMentions(assertThrows(IOException.class, () -> open(dir)), "notes.txt");
        fs().fs().delete(notes, false);

        Path backup = new Path(l.checkpointDir(), "backup");
        fs().fs().mkdirs(backup);
        assertMentions(assertThrows(IOException.class, () -> inspect(dir)), "backup");
        fs().fs().delete(backup, true);

        try (OpenRun run = open(dir)) {
            assertPlan(run.plan(), 0, 2);
        }

        // a directory txtrain did not create is refused and left as it is
        URI foreign = fs().newDir("foreign");
        fs().replace(new Path(new Path(foreign), "data.csv"), text);
        assertMentions(assertThrows(IOException.class, () -> open(foreign)), "data.csv");
        assertFalse(exists(fs().layout(foreign).format()));
    }

    @Test
    void newerFormatVersionIsRefusedNamingTheVersion() throws Exception {
        URI dir = fs().newDir("format");
        try (OpenRun run = open(dir)) {
            commit(run, 1, 1);
        }
        byte[] frame = FrameCodec.encode(RecordType.META, new FormatMeta(1, Rounds.RUN).encode());
        frame[4] = 2; // written by a future txtrain; a valid frame otherwise
        CRC32C crc = new CRC32C();
        crc.update(frame, 4, frame.length - 8);
        ByteBuffer.wrap(frame).putInt(frame.length - 4, (int) crc.getValue());
        fs().replace(fs().layout(dir).format(), frame);

        assertMentions(assertThrows(IOException.class, () -> open(dir)), "unsupported format version 2");
        assertMentions(assertThrows(IOException.class, () -> inspect(dir)), "unsupported format version 2");
    }

    @Test
    void runAttributeMismatchNamesTheAttribute() throws Exception {
        URI dir = fs().newDir("identity");
        try (OpenRun run = open(dir)) {
            commit(run, 1, 1);
        }
        Map<String, String> other = new HashMap<>(Rounds.RUN);
        other.put("network", "mlp-4x128-sha:77e1");
        other.put("seed", "7");
        RunMismatchException e = assertThrows(RunMismatchException.class, () -> RecoveryDirectory.open(dir,
                fs().conf(), CoreSettings.DEFAULTS, other, "test", listener));
        assertMentions(e, "network", "mlp-4x64-sha:0f3a", "mlp-4x128-sha:77e1", "seed");
        assertEquals(2, e.differences().size(), e.differences().toString());

        try (OpenRun run = open(dir)) { // the refused writer released its lease
            assertPlan(run.plan(), 0, 1);
        }
    }

    @Test
    void directoryPermissionIs700OrTheConfiguredOne() throws Exception {
        assertPermissions(fs().newDir("perm-default"), CoreSettings.DEFAULTS, (short) 0700);
        assertPermissions(fs().newDir("perm-750"), CoreSettings.DEFAULTS.withPermission((short) 0750), (short) 0750);
    }

    private void assertPermissions(URI dir, CoreSettings settings, short expected) throws IOException {
        try (OpenRun run = open(dir, settings)) {
            commit(run, 1, 1);
        }
        DirLayout l = fs().layout(dir);
        FileSystem fs = fs().fs();
        for (Path p : List.of(l.root(), l.leaseDir(), l.logDir(), l.checkpointDir())) {
            assertEquals(new FsPermission(expected), fs.getFileStatus(p).getPermission(), p.toString());
        }
    }

    /**
     * {@code checkpoints/} removed under a running writer: the next persist creates it again with the
     * configured permission (HDFS would create a missing parent with the umask's) and publishes.
     */
    @Test
    void aRemovedCheckpointDirectoryIsCreatedAgainWithTheConfiguredPermission() throws Exception {
        URI dir = fs().newDir("checkpoints-removed");
        DirLayout l = fs().layout(dir);
        try (OpenRun run = open(dir, CoreSettings.DEFAULTS.withPermission((short) 0750))) {
            commit(run, 1, 2);
            assertTrue(fs().fs().delete(l.checkpointDir(), true));
            assertTrue(checkpoint(run, 2));
            assertEquals(new FsPermission((short) 0750), fs().fs().getFileStatus(l.checkpointDir()).getPermission());
            assertEquals(new FsPermission((short) 0640), fs().fs().getFileStatus(l.checkpoint(2, 1)).getPermission());
        }
        assertPlan(inspect(dir), 2, 2);
    }

    @Test
    void failedPersistIsReportedAndChangesNothingElse() throws Exception {
        URI dir = fs().newDir("persist-fails");
        DirLayout l = fs().layout(dir);
        try (OpenRun run = open(dir)) {
            commit(run, 1, 2);
            assertTrue(checkpoint(run, 2));
            commit(run, 3, 3);
            AutoCloseable denied = fs().denyWrites(l.checkpointDir());
            try {
                assertFalse(checkpoint(run, 3));
            } finally {
                denied.close();
            }
            RecordingListener.Outcome failed = listener.outcome(3);
            assertNotNull(failed, "the listener heard of the failure");
            assertFalse(failed.published());
            assertNotNull(failed.error());
            assertFalse(exists(l.checkpoint(3, 1)));
            assertTrue(store(dir).listTemporary().isEmpty(), "the temporary file was removed");
            assertState(store(dir).load(listener.outcome(2).ref()), 2);

            commit(run, 4, 5); // training goes on
            assertTrue(checkpoint(run, 5));
        }
        assertPlan(inspect(dir), 5, 5);
    }

    /**
     * A flipped byte in the middle of the head segment, with valid records after it, is corruption:
     * recovery stops with an error naming the file and the damaged record's offset instead of taking
     * it for a torn tail and dropping acknowledged rounds, and the refused start changes nothing.
     */
    @Test
    void aFlippedByteInsideTheHeadSegmentIsCorruptionNotATornTail() throws Exception {
        URI dir = fs().newDir("head-flip");
        try (OpenRun run = open(dir)) {
            commit(run, 1, 5);
        }
        String headName = inspect(dir).chain().head();
        Path head = new Path(fs().layout(dir).logDir(), headName);
        Frame round2 = frames(head).get(3); // header, recovery event, round 1, round 2
        assertEquals(2, io.txtrain.core.log.RoundRecord.decode(round2.payload()).round());
        fs().rewrite(head, b -> {
            b[(int) round2.offset() + FrameCodec.HEADER_BYTES + 30] ^= 0x04;
            return b;
        });
        var before = fs().snapshot(dir);
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> inspect(dir));
        assertMentions(e, headName, "offset " + round2.offset(), "not a torn tail");
        assertMentions(assertThrows(CorruptLogException.class, () -> open(dir)), headName, "offset " + round2.offset());
        assertEquals(before, fs().snapshot(dir), "the refused start left the directory as it was");
    }

    /**
     * A length field of the head's header damaged so that it "runs past the end" looks like a
     * segment whose creation was torn, but valid records follow it: corruption, not an orphan whose
     * rounds could be dropped.
     */
    @Test
    void aDamagedHeaderOfTheHeadWithRecordsAfterItIsCorruptionNotATornCreate() throws Exception {
        URI dir = fs().newDir("head-header");
        try (OpenRun run = open(dir, SMALL_SEGMENTS)) {
            commit(run, 1, 12);
        }
        String headName = inspect(dir).chain().head();
        Path head = new Path(fs().layout(dir).logDir(), headName);
        fs().rewrite(head, b -> {
            b[8] = 0x01; // the header's payload length: now about 16 MB, past the end of the file
            return b;
        });
        assertMentions(assertThrows(CorruptLogException.class, () -> inspect(dir)), headName);
    }

    /** Only a damaged suffix is a torn tail: a flip in the head's last record drops that record alone. */
    @Test
    void aDamagedLastRecordOfTheHeadIsATornTail() throws Exception {
        URI dir = fs().newDir("head-last");
        try (OpenRun run = open(dir)) {
            commit(run, 1, 5);
        }
        Path head = new Path(fs().layout(dir).logDir(), inspect(dir).chain().head());
        List<Frame> frames = frames(head);
        Frame last = frames.get(frames.size() - 1);
        fs().rewrite(head, b -> {
            b[(int) last.offset() + FrameCodec.HEADER_BYTES + 30] ^= 0x04;
            return b;
        });
        assertPlan(inspect(dir), 0, 4);
    }

    private List<Frame> frames(Path p) throws IOException {
        return io.txtrain.core.inspect.FrameScan.of(fs().read(p)).frames();
    }

    enum Refusal { SEALED_SEGMENT_FLIP, HEAD_FLIP, NEWER_FORMAT, OTHER_RUN, FOREIGN_ENTRY, LIVE_WRITER, NO_START_STATE }

    /** A start that is refused leaves every file and byte of the directory as it was. */
    @ParameterizedTest
    @EnumSource(Refusal.class)
    void aRefusedStartLeavesTheDirectoryByteForByte(Refusal refusal) throws Exception {
        URI dir = fs().newDir("refused-" + refusal);
        DirLayout l = fs().layout(dir);
        try (OpenRun run = open(dir, SMALL_SEGMENTS)) {
            commit(run, 1, 20);
            assertTrue(checkpoint(run, 12));
        }
        LogChain chain = inspect(dir).chain();
        OpenRun holder = null;
        Map<String, String> attrs = Rounds.RUN;
        switch (refusal) {
            case SEALED_SEGMENT_FLIP -> flipSecondRecord(new Path(l.logDir(), chain.segments().get(chain.segments().size() - 2)));
            case HEAD_FLIP -> flipSecondRecord(new Path(l.logDir(), chain.head()));
            case NEWER_FORMAT -> fs().rewrite(l.format(), b -> {
                b[4] = 2;
                return b;
            });
            case OTHER_RUN -> {
                attrs = new HashMap<>(Rounds.RUN);
                attrs.put("network", "another");
            }
            case FOREIGN_ENTRY -> fs().replace(new Path(l.root(), "notes.txt"), new byte[] {1, 2});
            case LIVE_WRITER -> holder = open(dir, SMALL_SEGMENTS);
            case NO_START_STATE -> { // the only checkpoint is damaged and the log no longer reaches round 1
                try (OpenRun run = open(dir, SMALL_SEGMENTS.withRetain(1))) {
                    commit(run, 21, 22);
                    assertTrue(checkpoint(run, 22));
                }
                assertTrue(inspect(dir).chain().firstRound() > 1, inspect(dir).chain().segments().toString());
                flipByteInParams(dir, 22, 2);
            }
        }
        try {
            var before = fs().snapshot(dir);
            Map<String, String> a = attrs;
            assertThrows(IOException.class, () -> RecoveryDirectory.open(dir, fs().conf(), SMALL_SEGMENTS, a, "test",
                    listener));
            assertEquals(before, fs().snapshot(dir));
        } finally {
            if (holder != null) {
                holder.close();
            }
        }
    }

    private void flipSecondRecord(Path segment) throws IOException {
        Frame f = frames(segment).get(1);
        fs().rewrite(segment, b -> {
            b[(int) f.offset() + FrameCodec.HEADER_BYTES + 5] ^= 0x01;
            return b;
        });
    }

    /**
     * Names that match txtrain's patterns but whose numbers overflow a long are foreign entries:
     * recovery refuses them with an error naming the file (not a NumberFormatException), and the
     * verifier reports them as problems.
     */
    @Test
    void namesWhoseNumbersOverflowAreForeignEntriesNamedInTheError() throws Exception {
        URI dir = fs().newDir("overflow");
        DirLayout l = fs().layout(dir);
        try (OpenRun run = open(dir)) {
            commit(run, 1, 2);
        }
        for (Path p : List.of(new Path(l.checkpointDir(), "ckpt-9999999999999999999-0000000001"),
                new Path(l.logDir(), "seg-0000000001-9999999999999999999.log"))) {
            fs().replace(p, new byte[] {1});
            IOException e = assertThrows(IOException.class, () -> inspect(dir));
            assertMentions(e, p.getName());
            assertMentions(assertThrows(IOException.class, () -> open(dir)), p.getName());
            var r = io.txtrain.core.inspect.DirectoryVerifier.verify(fs().durable(), l, null);
            assertTrue(r.findings().stream().anyMatch(f -> f.isProblem() && f.file().endsWith(p.getName())),
                    r.findings().toString());
            fs().fs().delete(p, true);
        }
        assertPlan(inspect(dir), 0, 2);
    }

    /**
     * Retention checks the fence before it deletes: writer A's persist thread published a checkpoint
     * of a later round just before C took the directory over (the publish's own fence check passed),
     * and runs retention with retain = 1 after. Without the check it would delete C's only trusted
     * checkpoint and truncate the log; with it, it throws FencedException and deletes nothing.
     */
    @Test
    void retentionOfAFencedWriterDeletesNothing() throws Exception {
        URI dir = fs().newDir("fenced-retention");
        DirLayout l = fs().layout(dir);
        io.txtrain.core.lease.LeaseSettings quick = new io.txtrain.core.lease.LeaseSettings(
                java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(300), java.time.Duration.ZERO);
        try (OpenRun first = open(dir, SMALL_SEGMENTS)) {
            commit(first, 1, 10);
        }
        io.txtrain.core.lease.WriterLease a = io.txtrain.core.lease.WriterLease.acquire(fs().durable(), l,
                new io.txtrain.core.lease.LeaseSettings(java.time.Duration.ofHours(1), java.time.Duration.ofHours(2),
                        java.time.Duration.ZERO), "writer A");
        try {
            assertEquals(2, a.epoch());
            fs().fs().setTimes(l.lease(2), System.currentTimeMillis() - 60_000, -1); // A stalls
            try (OpenRun c = open(dir, SMALL_SEGMENTS.withLease(quick).withRetain(1))) {
                assertEquals(3, c.writerEpoch());
                assertTrue(checkpoint(c, 10));
            }
            // A's persist, published in the moment before the takeover
            store(dir).publish(CheckpointSnapshot.of(12, Rounds.checksum(12), state(12)), 2);
            var before = fs().snapshot(dir);
            Retention retention = new Retention(store(dir), null, a, 1, List.of());
            assertThrows(io.txtrain.core.log.FencedException.class, retention::apply);
            assertEquals(before, fs().snapshot(dir), "nothing was deleted");
            assertPlan(inspect(dir), 10, 10);
        } finally {
            a.close();
        }
    }

    /**
     * With a umask of 000 every file and directory txtrain creates still gets the configured
     * permission (directories 700, files 600 by default; 750/640 when configured), and a
     * pre-existing directory open to everyone is narrowed.
     */
    @Test
    void filesAndDirectoriesGetExplicitPermissionsWhateverTheUmask() throws Exception {
        org.apache.hadoop.conf.Configuration lax = fs().conf(Map.of("fs.permissions.umask-mode", "000"));
        for (short mode : new short[] {0700, 0750}) {
            URI dir = fs().newDir("umask-" + Integer.toOctalString(mode));
            fs().fs().mkdirs(new Path(dir), new FsPermission((short) 0777));
            fs().fs().setPermission(new Path(dir), new FsPermission((short) 0777)); // open to everyone before
            CoreSettings settings = CoreSettings.DEFAULTS.withPermission(mode);
            try (OpenRun run = RecoveryDirectory.open(dir, lax, settings, Rounds.RUN, "test", listener)) {
                commit(run, 1, 2);
                assertTrue(checkpoint(run, 2));
            }
            FileSystem fs = fs().fs();
            var it = fs.listFiles(new Path(dir), true);
            int files = 0;
            while (it.hasNext()) {
                var f = it.next();
                assertEquals(new FsPermission((short) (mode & 0666)), f.getPermission(), f.getPath().toString());
                files++;
                for (Path d = f.getPath().getParent(); d.depth() >= new Path(dir).depth(); d = d.getParent()) {
                    assertEquals(new FsPermission(mode), fs.getFileStatus(d).getPermission(), d.toString());
                    if (d.depth() == new Path(dir).depth()) {
                        break;
                    }
                }
            }
            assertTrue(files >= 4, "FORMAT, lease, segment and the checkpoint file: " + files);
        }
    }

    /**
     * {@code txtrain verify} and recovery never disagree about what is trusted: over every directory
     * this contract builds (at the end of each test, damaged or repaired) and over each damaged one
     * below, the verifier's verdict for every checkpoint equals recovery's loading path, it reports
     * that recovery fails exactly when recovery fails, and it finds no problem inside a log segment
     * that recovery trusts.
     */
    @org.junit.jupiter.api.AfterEach
    void verifierAndRecoveryAgreeOnEveryDirectoryOfTheTest() throws Exception {
        for (URI dir : fs().createdSince(mark)) {
            Verdicts.assertAgree(fs(), dir);
        }
    }

    private int mark;

    @org.junit.jupiter.api.BeforeEach
    void markDirectories() {
        mark = fs().created();
    }

    enum Damaged { FLIPPED_BLOB, MISSING_MANIFEST, TRUNCATED_BLOB, FLIPPED_MANIFEST, CHECKSUM_DIFFERS, TORN_TAIL,
        HEAD_FLIP, HEAD_LAST_FLIP, HEAD_HEADER_LENGTH, SEALED_FLIP, BYTES_PAST_TRUSTED, DELETED_SEALED_SEGMENT, ORPHAN_SEGMENT,
        UNKNOWN_LOG_FILE, OVERFLOW_CHECKPOINT_NAME, FLIPPED_FOOTER, DIRECTORY_FLIPPED_BLOB, DIRECTORY_MISSING_MANIFEST,
        DIRECTORY_EXTRA_BLOB }

    @ParameterizedTest
    @EnumSource(Damaged.class)
    void verifierAndRecoveryAgreeOnADamagedDirectory(Damaged damage) throws Exception {
        URI dir = fs().newDir("agree-" + damage);
        DirLayout l = fs().layout(dir);
        try (OpenRun run = open(dir, SMALL_SEGMENTS.withRetain(5))) {
            commit(run, 1, 10);
            assertTrue(checkpoint(run, 4));
            assertTrue(checkpoint(run, 10));
        }
        try (OpenRun run = open(dir, SMALL_SEGMENTS.withRetain(5))) {
            commit(run, 11, 14);
            assertTrue(checkpoint(run, 13));
        }
        LogChain chain = inspect(dir).chain();
        Path head = new Path(l.logDir(), chain.head());
        Path sealed = new Path(l.logDir(), chain.segments().get(0));
        Path newest = l.checkpoint(13, 2);
        switch (damage) {
            case FLIPPED_BLOB -> flipByteInParams(dir, 13, 2);
            case MISSING_MANIFEST -> fs().rewrite(newest, b -> Arrays.copyOf(b, (int) CheckpointBytes.manifestOffset(b)));
            case TRUNCATED_BLOB -> fs().rewrite(newest, b -> Arrays.copyOf(b, 10));
            case FLIPPED_MANIFEST -> fs().rewrite(newest, b -> {
                b[(int) CheckpointBytes.manifestOffset(b) + FrameCodec.HEADER_BYTES + 3] ^= 1;
                return b;
            });
            case FLIPPED_FOOTER -> fs().rewrite(newest, b -> {
                b[b.length - 1] ^= 1; // the magic
                return b;
            });
            case DIRECTORY_FLIPPED_BLOB, DIRECTORY_MISSING_MANIFEST, DIRECTORY_EXTRA_BLOB -> {
                Path old = CheckpointBytes.writeDirectoryCheckpoint(fs().fs(), l, 12, 2, checksum(12), state(12));
                switch (damage) {
                    case DIRECTORY_FLIPPED_BLOB -> fs().rewrite(new Path(old, "blob-updater"), b -> {
                        b[1] ^= 1;
                        return b;
                    });
                    case DIRECTORY_MISSING_MANIFEST -> fs().fs().delete(new Path(old, DirLayout.MANIFEST), false);
                    default -> fs().replace(new Path(old, "blob-extra"), new byte[] {1});
                }
            }
            case CHECKSUM_DIFFERS -> {
                try (OpenRun run = open(dir, SMALL_SEGMENTS.withRetain(5))) {
                    assertTrue(run.checkpoints().persistNow(run.snapshot(14, Rounds.sha256("other"), state(14))));
                }
            }
            case TORN_TAIL -> fs().rewrite(head, b -> concat(b, new byte[] {'T', 'X', 'T', 'R', 1}));
            case HEAD_FLIP -> flipSecondRecord(head);
            case HEAD_LAST_FLIP -> {
                List<Frame> fr = frames(head);
                Frame last = fr.get(fr.size() - 1);
                fs().rewrite(head, b -> {
                    b[(int) last.offset() + FrameCodec.HEADER_BYTES + 3] ^= 1;
                    return b;
                });
            }
            case HEAD_HEADER_LENGTH -> fs().rewrite(head, b -> {
                b[8] = 0x01;
                return b;
            });
            case SEALED_FLIP -> flipSecondRecord(sealed);
            case BYTES_PAST_TRUSTED -> fs().rewrite(sealed, b -> concat(b, new byte[100]));
            case DELETED_SEALED_SEGMENT -> fs().fs().delete(new Path(l.logDir(), chain.segments().get(1)), false);
            case ORPHAN_SEGMENT -> fs().replace(l.segment(1, 99), Arrays.copyOf(fs().read(sealed), 100));
            case UNKNOWN_LOG_FILE -> fs().replace(new Path(l.logDir(), "seg-1.log"), new byte[] {1});
            case OVERFLOW_CHECKPOINT_NAME -> fs().fs().mkdirs(new Path(l.checkpointDir(),
                    "ckpt-9999999999999999999-0000000001"));
        }
        Verdicts.assertAgree(fs(), dir);
    }
}
