package io.txtrain.core.lease;

import static io.txtrain.core.testing.Rounds.assertMentions;
import static io.txtrain.core.testing.Rounds.assertPlan;
import static io.txtrain.core.testing.Rounds.checkpoint;
import static io.txtrain.core.testing.Rounds.commit;
import static io.txtrain.core.testing.Rounds.record;
import static io.txtrain.core.testing.Rounds.sha256;
import static io.txtrain.core.testing.Rounds.state;
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

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.checkpoint.CheckpointStore;
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
     * over. From then on A can commit nothing: its next commit throws FencedException before
     * appending, the record it tried to append is not in any plan, and a checkpoint A tries to
     * persist afterwards is not published. A later writer sees exactly B's history.
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
                // a fenced writer publishes nothing either: the fence is checked before a persist writes
                CheckpointSnapshot aSnap = a.checkpoints().snapshot(4, aState4, state(4));
                assertFalse(a.checkpoints().persistNow(aSnap));
                assertTrue(listener.outcome(4).error() instanceof FencedException, String.valueOf(listener.outcome(4)));
                assertFalse(fs().fs().exists(l.checkpoint(4, 1)));
                assertPlan(inspect(dir), 2, 5); // B's rounds 4 and 5

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
     * Writer A stalls (its thread does nothing, its heartbeat stopped); B takes over and releases
     * the directory; C takes over, commits and checkpoints with retain = 1. C's takeover removed
     * B's lease file, so "is there a lease of epoch A + 1" would let A through: the rule is any
     * higher epoch. A wakes: its commit fails with FencedException, its checkpoint is not
     * published, its retention deletes nothing (C's only trusted checkpoint survives), no byte of
     * the directory changes because of A, and recovery resumes from C's last commit.
     */
    @Test
    void writerStalledAcrossTwoTakeoversCannotCommitPublishOrDelete() throws Exception {
        URI dir = fs().newDir("two-takeovers");
        DirLayout l = fs().layout(dir);
        LeaseSettings hung = new LeaseSettings(Duration.ofHours(1), Duration.ofHours(2), Duration.ZERO);
        LeaseSettings quick = new LeaseSettings(Duration.ofMillis(100), Duration.ofMillis(300), Duration.ZERO);
        OpenRun a = open(dir, CoreSettings.DEFAULTS.withLease(hung).withRetain(1));
        try {
            commit(a, 1, 5);
            fs().fs().setTimes(l.lease(1), System.currentTimeMillis() - 60_000, -1); // A stalls
            try (OpenRun b = open(dir, CoreSettings.DEFAULTS.withLease(quick))) {
                assertEquals(2, b.writerEpoch());
            }
            try (OpenRun c = open(dir, CoreSettings.DEFAULTS.withLease(quick).withRetain(1))) {
                assertEquals(3, c.writerEpoch());
                commit(c, 6, 7);
                assertTrue(checkpoint(c, 7));
                assertFalse(fs().fs().exists(l.lease(2)), "C removed the older lease files");
                var before = fs().snapshot(dir);

                // A wakes
                FencedException fenced = assertThrows(FencedException.class, () -> a.commit(record(6)));
                assertMentions(fenced, "epoch 1", "fenced out");
                assertFalse(a.checkpoints().persistNow(a.snapshot(5, Rounds.checksum(5), state(5))),
                        "a fenced writer publishes nothing");
                assertTrue(listener.outcome(5).error() instanceof FencedException, String.valueOf(listener.outcome(5)));
                close(a);
                assertEquals(before, fs().snapshot(dir), "no byte of the directory changed because of A");
                assertTrue(fs().fs().exists(l.checkpoint(7, 3)), "C's only trusted checkpoint survives");
                commit(c, 8, 8);
            }
        } finally {
            close(a);
        }
        try (OpenRun d = open(dir, CoreSettings.DEFAULTS)) {
            assertEquals(4, d.writerEpoch());
            assertPlan(d.plan(), 7, 8);
        }
    }

    /**
     * Several writers start on one directory at the same moment, twice: on a fresh directory, and
     * while the winner trains after someone deleted its lease file. Each time exactly one trains;
     * every other start is refused with an error naming the holder, and the winner goes on.
     */
    @Test
    void concurrentStartsLetExactlyOneWriterTrainEvenAfterTheLeaseFileWasDeleted() throws Exception {
        URI dir = fs().newDir("concurrent");
        DirLayout l = fs().layout(dir);
        LeaseSettings quick = new LeaseSettings(Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ZERO);
        List<Object> first = startTogether(dir, CoreSettings.DEFAULTS.withLease(quick), 4);
        List<OpenRun> winners = first.stream().filter(o -> o instanceof OpenRun).map(o -> (OpenRun) o).toList();
        assertEquals(1, winners.size(), "exactly one writer opened the fresh directory: " + first);
        OpenRun winner = winners.get(0);
        try {
            for (Object o : first) {
                if (o != winner) {
                    assertTrue(o instanceof LeaseConflictException, String.valueOf(o));
                    assertMentions((Throwable) o, "writer epoch 1", "pid " + ProcessHandle.current().pid());
                }
            }
            commit(winner, 1, 3);
            for (FileStatus s : fs().fs().listStatus(l.leaseDir())) {
                assertTrue(fs().fs().delete(s.getPath(), false)); // "unlocking" a running job
            }
            List<Object> second = startTogether(dir, CoreSettings.DEFAULTS.withLease(quick), 3);
            for (Object o : second) {
                if (o instanceof OpenRun r) {
                    r.close();
                    throw new AssertionError("a second writer opened the directory next to a live one (epoch "
                            + r.writerEpoch() + ")");
                }
                assertTrue(o instanceof LeaseConflictException, String.valueOf(o));
                assertMentions((Throwable) o, "writer epoch 1", "pid " + ProcessHandle.current().pid());
            }
            commit(winner, 4, 5); // the winner was not disturbed
        } finally {
            winner.close();
        }
        assertPlan(inspect(dir), 0, 5);
    }

    /** Starts {@code n} writers at once on threads; each result is an OpenRun or the exception it threw. */
    private List<Object> startTogether(URI dir, CoreSettings settings, int n) throws Exception {
        java.util.concurrent.CyclicBarrier barrier = new java.util.concurrent.CyclicBarrier(n);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            List<java.util.concurrent.Future<Object>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    barrier.await();
                    try {
                        return open(dir, settings);
                    } catch (IOException e) {
                        return e;
                    }
                }));
            }
            List<Object> out = new java.util.ArrayList<>();
            for (var f : futures) {
                out.add(f.get(2, java.util.concurrent.TimeUnit.MINUTES));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A lease file with an epoch no sequence of starts produces (copied from elsewhere or made by
     * hand) is refused at every start with the same message, which names the file and what to do,
     * and the refused starts change nothing; once it is removed the run resumes.
     */
    @Test
    void aLeaseFileWithAHugeEpochIsRefusedAtEveryStartNamingTheFile() throws Exception {
        URI dir = fs().newDir("huge-epoch");
        DirLayout l = fs().layout(dir);
        try (OpenRun run = open(dir, CoreSettings.DEFAULTS)) {
            commit(run, 1, 2);
        }
        Path crafted = new Path(l.leaseDir(), "writer-9999999999");
        fs().replace(crafted, fs().read(l.lease(1)));
        var before = fs().snapshot(dir);
        for (int attempt = 0; attempt < 2; attempt++) {
            LeaseConflictException e = assertThrows(LeaseConflictException.class,
                    () -> open(dir, CoreSettings.DEFAULTS));
            assertMentions(e, "writer-9999999999", "epoch 9999999999", "copied or made by hand", "delete");
            assertEquals(before, fs().snapshot(dir), "the refused start changed nothing");
        }
        assertTrue(fs().fs().delete(crafted, false));
        try (OpenRun run = open(dir, CoreSettings.DEFAULTS)) {
            assertEquals(2, run.writerEpoch());
            assertPlan(run.plan(), 0, 2);
        }
    }

    /**
     * A user empties lease/ to "unlock" a run whose last writer had epoch 2. The next writer takes
     * epoch 3, above every epoch in the log, not 1: its segments are the head, not orphans of an
     * older epoch, and no round it acknowledged is dropped by the writer after it.
     */
    @Test
    void emptyingTheLeaseDirectoryDoesNotLowerTheNextEpoch() throws Exception {
        URI dir = fs().newDir("emptied-leases");
        DirLayout l = fs().layout(dir);
        LeaseSettings quick = new LeaseSettings(Duration.ofMillis(100), Duration.ofMillis(300), Duration.ZERO);
        CoreSettings settings = CoreSettings.DEFAULTS.withLease(quick);
        try (OpenRun run = open(dir, settings)) {
            commit(run, 1, 3);
        }
        try (OpenRun run = open(dir, settings)) {
            assertEquals(2, run.writerEpoch());
            commit(run, 4, 5);
        }
        for (FileStatus s : fs().fs().listStatus(l.leaseDir())) {
            assertTrue(fs().fs().delete(s.getPath(), false));
        }
        try (OpenRun run = open(dir, settings)) {
            assertEquals(3, run.writerEpoch(), "above the log's epoch 2");
            commit(run, 6, 8);
        }
        try (OpenRun run = open(dir, settings)) {
            assertEquals(4, run.writerEpoch());
            assertPlan(run.plan(), 0, 8);
            assertTrue(run.plan().chain().orphans().isEmpty(), run.plan().chain().orphans().toString());
        }
    }

    /**
     * A's refused commit left nothing in its own segment: A checks the fence before it appends (and
     * on {@code hdfs://} B's lease recovery closed A's segment anyway).
     */
    private void assertFencedAppendIgnored(DirLayout l, RoundRecord attempted) throws IOException {
        byte[] bHead = fs().read(l.segment(2, 4));
        SegmentHeader h = SegmentHeader.decode(new FrameReader(new ByteArrayInputStream(bHead), "B's head", bHead.length)
                .expect(RecordType.SEGMENT_HEADER).payload());
        assertEquals(l.segment(1, 1).getName(), h.previousSegment());
        byte[] aSeg = fs().read(l.segment(1, 1));
        byte[] beyond = Arrays.copyOfRange(aSeg, (int) h.previousTrustedLength(), aSeg.length);
        assertEquals(0, beyond.length, "nothing of A's refused record " + attempted.round() + " was appended");
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
