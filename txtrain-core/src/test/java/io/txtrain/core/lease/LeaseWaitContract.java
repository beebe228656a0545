package io.txtrain.core.lease;

import static io.txtrain.core.testing.Rounds.assertMentions;
import static io.txtrain.core.testing.Rounds.commit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.junit.jupiter.api.Test;

import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.testing.RecordingListener;
import io.txtrain.core.testing.Rounds;
import io.txtrain.core.testing.TestFs;

/**
 * The lease-wait rule (docs/PROTOCOL.md §5) with the default {@code acquireWait = 0}: a new writer
 * waits out a lease whose heartbeat has stopped (a driver that died on another host, so its death
 * cannot be proven) and then takes over; a holder whose heartbeat advances is refused without
 * waiting for the lease timeout.
 */
abstract class LeaseWaitContract {
    final RecordingListener listener = new RecordingListener();

    protected abstract TestFs fs();

    private static CoreSettings lease(Duration heartbeat, Duration timeout) {
        return CoreSettings.DEFAULTS.withLease(new LeaseSettings(heartbeat, timeout, Duration.ZERO));
    }

    /** A lease file as a driver on {@code host} leaves it when it dies: not released, heartbeat now. */
    private void deadDriverLease(DirLayout l, long epoch, String host) throws IOException {
        LeaseRecord dead = new LeaseRecord(epoch, host, 4242, 1L, "application_1_0001 driver attempt 1",
                System.currentTimeMillis());
        try (FSDataOutputStream out = fs().fs().create(l.lease(epoch), false)) {
            out.write(FrameCodec.encode(RecordType.LEASE, dead.encode()));
        }
        fs().fs().setTimes(l.lease(epoch), System.currentTimeMillis(), -1);
    }

    @Test
    void driverRestartedOnAnotherHostWaitsOutTheDeadDriversLeaseAndTakesOver() throws Exception {
        URI dir = fs().newDir("restart-elsewhere");
        DirLayout l = fs().layout(dir);
        try (OpenRun a = Rounds.open(fs(), dir, CoreSettings.DEFAULTS, listener)) {
            commit(a, 1, 4);
        }
        deadDriverLease(l, 2, "node-17.cluster.example");
        CoreSettings settings = lease(Duration.ofMillis(200), Duration.ofSeconds(3));
        long t0 = System.nanoTime();
        try (OpenRun b = assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> Rounds.open(fs(), dir, settings, listener))) {
            long waitedMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(3, b.writerEpoch(), "took over with the next epoch");
            assertTrue(waitedMs >= 1_000, "did not take over a lease that had not expired (" + waitedMs + " ms)");
            assertEquals(4, b.plan().lastCommittedRound(), "every committed round is there");
            commit(b, 5, 5);
        }
        var starts = Rounds.inspect(fs(), dir).chain().recoveries();
        var last = starts.get(starts.size() - 1);
        assertMentions(last.previousHolder(), "node-17.cluster.example", "writer epoch 2");
        assertTrue(last.previousCrashed(), "the previous holder did not release");
    }

    @Test
    void liveHolderIsRefusedAsSoonAsItsHeartbeatIsSeen() throws Exception {
        URI dir = fs().newDir("live-holder");
        DirLayout l = fs().layout(dir);
        // a lease timeout far longer than the test's deadline: the refusal must come from the heartbeat
        CoreSettings settings = lease(Duration.ofMillis(200), Duration.ofMinutes(10));
        try (OpenRun a = Rounds.open(fs(), dir, settings, listener)) {
            commit(a, 1, 2);
            LeaseConflictException e = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> assertThrows(LeaseConflictException.class, () -> Rounds.open(fs(), dir, settings, listener)));
            assertMentions(e, l.root().toString(), "writer epoch 1", "heartbeat advanced");
            assertFalse(fs().fs().exists(l.lease(2)), "the refused writer took no epoch");
            commit(a, 3, 3); // the holder is not disturbed
        }
    }
}
