package io.txtrain.core.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.txtrain.core.lease.HolderWatch.Verdict;

/** The lease-wait rule of docs/PROTOCOL.md §5 as pure logic. */
class HolderWatchTest {
    static final long S = 1_000_000_000L;

    @Test
    void silentHeartbeatExpiresAfterTheTimeoutOnTheWaitersClock() {
        HolderWatch w = new HolderWatch(Duration.ofSeconds(30));
        assertEquals(Verdict.WAIT, w.observe(3, 1_000, 0));
        assertEquals(Verdict.WAIT, w.observe(3, 1_000, 29 * S));
        assertEquals(Verdict.EXPIRED, w.observe(3, 1_000, 30 * S));
    }

    @Test
    void advancingHeartbeatMeansAlive() {
        HolderWatch w = new HolderWatch(Duration.ofSeconds(30));
        assertEquals(Verdict.WAIT, w.observe(3, 1_000, 0));
        assertEquals(Verdict.ALIVE, w.observe(3, 6_000, 5 * S));
        // the silence is counted again from the last advance
        assertEquals(Verdict.WAIT, w.observe(3, 6_000, 34 * S));
        assertEquals(Verdict.EXPIRED, w.observe(3, 6_000, 35 * S));
    }

    @Test
    void aNewerLeaseMeansAlive() {
        HolderWatch w = new HolderWatch(Duration.ofSeconds(30));
        assertEquals(Verdict.WAIT, w.observe(3, 1_000, 0));
        assertEquals(Verdict.ALIVE, w.observe(4, 1_000, S));
    }

    @Test
    void aHolderClockFarAheadDoesNotExtendTheWait() {
        HolderWatch w = new HolderWatch(Duration.ofSeconds(30));
        long future = System.currentTimeMillis() + 3_600_000;
        assertEquals(Verdict.WAIT, w.observe(1, future, 0));
        assertEquals(Verdict.EXPIRED, w.observe(1, future, 31 * S));
    }
}
