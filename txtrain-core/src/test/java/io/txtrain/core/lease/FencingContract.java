package io.txtrain.core.lease;

import static io.txtrain.core.testing.Rounds.assertMentions;
import static io.txtrain.core.testing.Rounds.assertPlan;
import static io.txtrain.core.testing.Rounds.checkpoint;
import static io.txtrain.core.testing.Rounds.commit;
import static io.txtrain.core.testing.Rounds.record;
import static io.txtrain.core.testing.Rounds.sha256;
import static io.txtrain.core.testing.Rounds.state;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.log.FencedException;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.log.SegmentHeader;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.core.testing.ChildWriter;
import io.txtrain.core.testing.RecordingListener;
import io.txtrain.core.testing.Rounds;
import io.txtrain.core.testing.TestFs;

/** One live writer per directory (docs/PROTOCOL.md §5), on every real file system a subclass supplies. */
abstract class FencingContract {
    final RecordingListener listener = new RecordingListener();

    protected abstract TestFs fs();

    /** Hadoop settings a writer in another JVM needs to reach the file system. */
    protected Map<String, String> childConf() {
        return Map.of();
    }

    OpenRun open(URI dir, CoreSettings settings) throws IOException {
        return Rounds.open(fs(), dir, settings, listener);
    }

    RecoveryPlan inspect(URI dir) throws IOException {
        return Rounds.inspect(fs(), dir);
    }


    @Test
    void secondWriterIsRefusedWhileTheFirstHolds() throws Exception {
        URI dir = fs().newDir("two-writers");
        DirLayout l = fs().layout(dir);
        try (OpenRun a = open(dir, CoreSettings.DEFAULTS)) {
            commit(a, 1, 2);
            LeaseConflictException e = assertThrows(LeaseConflictException.class, () -> open(dir, CoreSettings.DEFAULTS));
            assertMentions(e, l.root().toString(), "writer epoch 1", "pid " + ProcessHandle.current().pid(),
                    "test " + fs().scheme());
            assertFalse(fs().fs().exists(l.lease(2)), "the refused writer took no epoch");
            a.commit(record(3)); // the holder is not disturbed
        }
        try (OpenRun b = open(dir, CoreSettings.DEFAULTS)) {
            assertEquals(2, b.writerEpoch());
            assertPlan(b.plan(), 0, 3);
        }
    }

    /**
     * A writer in another JVM is killed with SIGKILL while it commits rounds and persists
     * checkpoints. Its lease is fresh (the default timeout is 30 s), but its process is gone, so
     * a writer on the same host takes over at once, with a higher epoch, and finds every round
     * the dead writer reported committed: either in the checkpoint it starts from or among the
     * rounds to replay. The round in flight at the kill may or may not be committed.
     */
    @Test
    void writerTakesOverAtOnceFromAKilledWriter() throws Exception {
        URI dir = fs().newDir("killed");
        DirLayout l = fs().layout(dir);
        File logs = new File("target/child-writer-" + fs().scheme() + "-" + System.nanoTime());
        List<String> printed;
        long childPid;
        try (ChildWriter.Handle child = ChildWriter.start(dir, childConf(), logs)) {
            child.awaitCount("CHECKPOINT", 2, Duration.ofMinutes(2));
            child.awaitCount("COMMITTED", child.values("COMMITTED").size() + 3, Duration.ofMinutes(1));
            childPid = child.pid();
            printed = child.kill();
        }
        long childEpoch = ChildWriter.Handle.values(printed, "EPOCH").get(0);
        List<Long> committed = ChildWriter.Handle.values(printed, "COMMITTED");
        long lastPrinted = committed.get(committed.size() - 1);
        long lastCheckpoint = Collections.max(ChildWriter.Handle.values(printed, "CHECKPOINT"));
        long leaseAge = System.currentTimeMillis() - fs().fs().getFileStatus(l.lease(childEpoch)).getModificationTime();
        assertTrue(leaseAge < CoreSettings.DEFAULTS.lease().timeout().toMillis(),
                "the dead writer's lease is not stale by time (" + leaseAge + " ms)");

        try (OpenRun b = open(dir, CoreSettings.DEFAULTS.withSegmentBytes(4096))) {
            assertTrue(b.writerEpoch() > childEpoch);
            RecoveryPlan plan = b.plan();
            long last = plan.lastCommittedRound();
            assertTrue(last == lastPrinted || last == lastPrinted + 1,
                    "last committed round " + last + ", the child printed up to " + lastPrinted);
            assertTrue(plan.startRound() >= lastCheckpoint, "starts from checkpoint " + plan.startRound()
                    + ", the child published " + lastCheckpoint + "; rejected: " + plan.rejected());
            assertPlan(plan, plan.startRound(), last); // the start state and every record are the true ones
            assertTrue(new CheckpointStore(fs().durable(), l).listTemporary().isEmpty(),
                    "an interrupted persist's temporary directory was removed");
            b.commit(record(last + 1));
        }
        List<RecoveryEvent> starts = inspect(dir).chain().recoveries();
        assertMentions(starts.get(starts.size() - 1).previousHolder(), "pid " + childPid,
                "writer epoch " + childEpoch);
    }


    /**
     * Writer A hangs (its heartbeat stops: simulated by a long heartbeat interval and setting its
     * lease file's modification time a minute back); writer B, with a 300 ms lease timeout, takes
     * over. From then on A can commit nothing: its next commit throws FencedException, the record
     * it tried to append is not in any plan, and a checkpoint A persists afterwards of the state of
     * that round is never trusted. A later writer sees exactly B's history.
     */
    @Test
    void fencedOutWriterCannotCommitAndIsNotTrusted() throws Exception {
        URI dir = fs().newDir("fenced");
        DirLayout l = fs().layout(dir);
        LeaseSettings hung = new LeaseSettings(Duration.ofHours(1), Duration.ofHours(2), Duration.ZERO);
        LeaseSettings quick = new LeaseSettings(Duration.ofMillis(100), Duration.ofMillis(300), Duration.ZERO);
        byte[] aState4 = sha256("A's state after its round 4");
        OpenRun a = open(dir, CoreSettings.DEFAULTS.withLease(hung));
        try {
            commit(a, 1, 3);
            assertTrue(checkpoint(a, 2));
            fs().fs().setTimes(l.lease(1), System.currentTimeMillis() - 60_000, -1);

            try (OpenRun b = open(dir, CoreSettings.DEFAULTS.withLease(quick))) {
                assertEquals(2, b.writerEpoch());
                assertPlan(b.plan(), 2, 3);

                FencedException fenced = assertThrows(FencedException.class, () -> a.commit(record(4, aState4)));
                assertMentions(fenced, "epoch 1");
                assertPlan(inspect(dir), 2, 3); // A's attempted round 4 is nowhere

                assertFencedAppendIgnored(l, record(4, aState4));

                commit(b, 4, 5);
                // nothing stops a fenced writer from publishing (it learns of the takeover only on
                // commit); trust rule (c) is what keeps its checkpoint out of every plan
                CheckpointSnapshot aSnap = a.checkpoints().snapshot(4, aState4, state(4));
                assertTrue(a.checkpoints().persistNow(aSnap));
                RecoveryPlan plan = inspect(dir);
                assertPlan(plan, 2, 5); // B's rounds 4 and 5
                assertTrue(plan.rejected().stream().anyMatch(r -> r.startsWith(l.checkpoint(4, 1).getName())
                        && r.contains("differs from the committed round's")), plan.rejected().toString());

                // A stops. Its lease is gone (B deleted it), so there is nothing to release; only on
                // HDFS does closing report the segment stream that B's lease recovery broke.
                IOException closeError = close(a);
                if (fs().scheme().equals("hdfs")) {
                    assertFalse(closeError instanceof FileNotFoundException, String.valueOf(closeError));
                } else {
                    assertNull(closeError);
                }
            }
        } finally {
            close(a);
        }
        try (OpenRun c = open(dir, CoreSettings.DEFAULTS)) {
            assertEquals(3, c.writerEpoch());
            assertPlan(c.plan(), 2, 5);
        }
    }

    /**
     * What A's refused commit left in its own segment lies past the length B trusts. On
     * {@code file://} the frame is really there (A appended, synced, then found the newer lease);
     * on {@code hdfs://} B's lease recovery closed A's segment, so A's append failed and left
     * nothing.
     */
    private void assertFencedAppendIgnored(DirLayout l, RoundRecord attempted) throws IOException {
        byte[] bHead = fs().read(l.segment(2, 4));
        SegmentHeader h = SegmentHeader.decode(new FrameReader(new ByteArrayInputStream(bHead), "B's head", bHead.length)
                .expect(RecordType.SEGMENT_HEADER).payload());
        assertEquals(l.segment(1, 1).getName(), h.previousSegment());
        byte[] aSeg = fs().read(l.segment(1, 1));
        byte[] beyond = Arrays.copyOfRange(aSeg, (int) h.previousTrustedLength(), aSeg.length);
        if (fs().scheme().equals("hdfs")) {
            assertEquals(0, beyond.length, "A's append after its lease was recovered");
        } else {
            assertArrayEquals(FrameCodec.encode(RecordType.ROUND_COMMIT, attempted.encode()), beyond,
                    "exactly A's refused record lies past the trusted length");
        }
    }

    private static IOException close(OpenRun run) {
        try {
            run.close();
            return null;
        } catch (IOException e) {
            return e;
        }
    }
}
