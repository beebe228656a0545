package io.txtrain.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MtbfEstimatorTest {

    private static final long HOUR_MS = 3_600_000L;
    private static final double PRIOR = 6 * 3600.0;

    private static MtbfEstimator estimator(double burstWindowSeconds) {
        return new MtbfEstimator(PRIOR, 1, burstWindowSeconds, 0);
    }

    @Test
    void startsAtThePrior() {
        MtbfEstimator e = estimator(60);
        assertEquals(PRIOR, e.mtbfSeconds(0), 1e-9);
        assertEquals(0, e.failureCount());
    }

    @Test
    void failureFreeTimeRaisesTheEstimate() {
        MtbfEstimator e = estimator(60);
        double before = e.mtbfSeconds(HOUR_MS);
        double after = e.mtbfSeconds(10 * HOUR_MS);
        assertTrue(after > before);
        assertEquals(PRIOR + 10 * 3600, after, 1e-6);
    }

    @Test
    void failuresLowerTheEstimate() {
        MtbfEstimator e = estimator(60);
        double previous = e.mtbfSeconds(0);
        for (int i = 1; i <= 10; i++) {
            e.recordFailure(i * HOUR_MS, "executor lost");
            double now = e.mtbfSeconds(i * HOUR_MS);
            assertTrue(now < previous, "failure " + i + " must lower the estimate");
            previous = now;
        }
        assertEquals((PRIOR + 10 * 3600) / 11, previous, 1e-6);
        assertEquals(10, e.failureCount());
    }

    @Test
    void convergesToTheObservedRate() {
        MtbfEstimator e = estimator(60);
        long every = 900_000L;
        for (int i = 1; i <= 2000; i++) {
            e.recordFailure(i * every, "node lost");
        }
        assertEquals(900, e.mtbfSeconds(2000 * every), 900 * 0.02);
    }

    @Test
    void aBurstCountsAsOneEvent() {
        MtbfEstimator e = estimator(60);
        assertTrue(e.recordFailure(HOUR_MS, "executor 1 lost"));
        assertFalse(e.recordFailure(HOUR_MS + 5_000, "executor 2 lost"));
        assertFalse(e.recordFailure(HOUR_MS + 30_000, "executor 3 lost"));
        assertFalse(e.recordFailure(HOUR_MS + 60_000, "executor 4 lost"));
        assertEquals(1, e.failureCount());
        assertEquals(4, e.lossCount());
        assertEquals("executor 4 lost", e.lastCause());
        assertTrue(e.recordFailure(HOUR_MS + 61_000, "executor 5 lost"));
        assertEquals(2, e.failureCount());
    }

    @Test
    void aSteadyStreamStillCountsOncePerWindow() {
        MtbfEstimator e = estimator(60);
        for (int i = 0; i < 6; i++) {
            e.recordFailure(i * 50_000L, "flapping");
        }
        // events anchored at 0 s, 100 s, 200 s
        assertEquals(3, e.failureCount());
    }

    @Test
    void zeroWindowCountsEveryFailure() {
        MtbfEstimator e = estimator(0);
        e.recordFailure(1000, "a");
        e.recordFailure(1001, "b");
        assertEquals(2, e.failureCount());
    }

    @Test
    void timeDoesNotRunBackwards() {
        MtbfEstimator e = estimator(60);
        double later = e.mtbfSeconds(10 * HOUR_MS);
        assertEquals(later, e.mtbfSeconds(HOUR_MS), 1e-9);
        assertEquals(10 * 3600, e.observedSeconds(), 1e-9);
    }

    @Test
    void rejectsBadParameters() {
        assertThrows(IllegalArgumentException.class, () -> new MtbfEstimator(0, 1, 60, 0));
        assertThrows(IllegalArgumentException.class, () -> new MtbfEstimator(Double.NaN, 1, 60, 0));
        assertThrows(IllegalArgumentException.class, () -> new MtbfEstimator(PRIOR, 0, 60, 0));
        assertThrows(IllegalArgumentException.class, () -> new MtbfEstimator(PRIOR, 1, -1, 0));
    }
}
