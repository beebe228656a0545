package io.txtrain.spark.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** Rolling windows and cluster load, on a controlled clock. */
class ClusterMonitorTest {
    final AtomicLong now = new AtomicLong(1_000_000);
    final ClusterMonitor m = new ClusterMonitor(10_000, 1_000, now::get);

    static ExecutorSample sample(String id, double cpu) {
        return new ExecutorSample(id, "h", 0, cpu, 0.5, 1, 2, 3, 0, List.of());
    }

    @Test
    void loadIsNaNWithoutSamples() {
        assertTrue(Double.isNaN(m.clusterLoad()));
        m.record(sample("1", Double.NaN));
        assertTrue(Double.isNaN(m.clusterLoad()), "a sample without CPU reading gives no load");
        assertEquals(Set.of("1"), m.liveExecutors());
    }

    @Test
    void loadIsTheMeanOverExecutorsOfTheirWindowMeans() {
        m.record(sample("1", 0.2));
        m.record(sample("1", 0.4));
        m.record(sample("2", 0.9));
        assertEquals((0.3 + 0.9) / 2, m.clusterLoad(), 1e-12);
    }

    @Test
    void samplesLeaveTheWindowAfterItsLength() {
        m.record(sample("1", 1.0));
        now.addAndGet(6_000);
        m.record(sample("1", 0.0));
        m.record(sample("2", 0.5));
        assertEquals((0.5 + 0.5) / 2, m.clusterLoad(), 1e-12);
        now.addAndGet(5_000);
        assertEquals(1, m.window("1").size());
        assertEquals(0.25, m.clusterLoad(), 1e-12);
        now.addAndGet(6_000);
        assertEquals(Set.of(), m.liveExecutors());
        assertTrue(Double.isNaN(m.clusterLoad()));
    }

    @Test
    void removedExecutorsAreDroppedAndTheirLateSamplesIgnored() {
        m.record(sample("1", 1.0));
        m.record(sample("2", 0.0));
        m.executorRemoved("1");
        m.record(sample("1", 1.0));
        assertEquals(Set.of("2"), m.liveExecutors());
        assertEquals(List.of(), m.window("1"));
        assertEquals(0.0, m.clusterLoad(), 1e-12);
    }

    @Test
    void windowSizeIsBounded() {
        for (int i = 0; i < 10_000; i++) {
            m.record(sample("1", 0.5));
        }
        assertTrue(m.window("1").size() <= 2 * 10 + 8, "size " + m.window("1").size());
    }
}
