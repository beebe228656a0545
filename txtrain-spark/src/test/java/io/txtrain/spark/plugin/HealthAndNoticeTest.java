package io.txtrain.spark.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.txtrain.core.policy.HealthReading;
import io.txtrain.spark.ExecutorNotice;

/** The driver's health readings from executor samples, and its record of notices. */
class HealthAndNoticeTest {

    private static ExecutorSample sample(long at, long heapUsed, long gcMillis, List<GpuReading> gpus) {
        return new ExecutorSample("1", "h", at, 0.5, 0.5, heapUsed, 1000, gcMillis, 1, gpus);
    }

    @Test
    void heapIsTheLowestRecentShareGcTheShareOfWallTimeGpuErrorsTheNewOnes() {
        List<ExecutorSample> recent = List.of(
                sample(0, 950, 100, List.of(new GpuReading(0, 50, 1, 2, 3), new GpuReading(1, 50, 1, 2, -1))),
                sample(1000, 700, 400, List.of()),
                sample(2000, 990, 1100, List.of(new GpuReading(0, 50, 1, 2, 5), new GpuReading(1, 50, 1, 2, 7))));
        HealthReading r = HealthMonitor.reading("1", recent, 4);
        assertEquals(new HealthReading("1", 0.7, 0.5, 4, 2), r);
    }

    @Test
    void oneSampleOrNoHeapLimitIsUnknownNotZero() {
        HealthReading r = HealthMonitor.reading("1", List.of(
                new ExecutorSample("1", "h", 0, 0.5, 0.5, 100, -1, 10, 0, List.of())), 0);
        assertTrue(Double.isNaN(r.heapFraction()));
        assertTrue(Double.isNaN(r.gcFraction()));
    }

    @Test
    void onlyTheFirstNoticeOfAnExecutorCountsAndEachIsTakenOnce() {
        NoticeBoard b = new NoticeBoard();
        assertTrue(b.record(new ExecutorNotice("2", 200, "decommissioning (SIGPWR)")));
        assertTrue(b.record(new ExecutorNotice("1", 100, "JVM shutdown")));
        assertFalse(b.record(new ExecutorNotice("2", 300, "JVM shutdown")));
        assertEquals(List.of(new ExecutorNotice("1", 100, "JVM shutdown"),
                new ExecutorNotice("2", 200, "decommissioning (SIGPWR)")), b.take());
        assertEquals(List.of(), b.take());
        assertEquals(Set.of("1", "2"), b.leaving());
    }
}
