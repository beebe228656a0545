package io.txtrain.spark.plugin;

import java.util.ArrayList;
import java.util.List;

import io.txtrain.core.policy.HealthReading;

/**
 * Turns each live executor's recent samples and task failures into a {@link HealthReading}.
 *
 * <p>Over the newest {@value #SPAN} samples of an executor: the heap share is the lowest
 * {@code used / max} (garbage that a collection frees does not count; NaN without a heap limit),
 * the GC share is the GC time added between the first and last sample over the wall time between
 * them (NaN with fewer than two samples), GPU errors are the uncorrected errors added over the same
 * samples on any GPU that reports them. Task failures are those on the executor within the
 * monitor window. Thread-safe as its sources are.
 */
public final class HealthMonitor {
    /** Samples per reading. */
    static final int SPAN = 5;

    private final ClusterMonitor monitor;
    private final FailureTracker failures;
    private final long windowMillis;

    public HealthMonitor(ClusterMonitor monitor, FailureTracker failures, long windowMillis) {
        this.monitor = monitor;
        this.failures = failures;
        this.windowMillis = windowMillis;
    }

    /** One reading per live executor, by id. */
    public List<HealthReading> readings(long nowMillis) {
        List<HealthReading> out = new ArrayList<>();
        for (String id : monitor.liveExecutors()) {
            List<ExecutorSample> w = monitor.window(id);
            if (w.isEmpty()) {
                continue;
            }
            out.add(reading(id, w.subList(Math.max(0, w.size() - SPAN), w.size()),
                    failures.taskFailuresSince(id, nowMillis - windowMillis)));
        }
        return out;
    }

    static HealthReading reading(String id, List<ExecutorSample> recent, long taskFailures) {
        double heap = Double.NaN;
        for (ExecutorSample s : recent) {
            if (s.heapMaxBytes() > 0 && s.heapUsedBytes() >= 0) {
                double f = Math.min(1, (double) s.heapUsedBytes() / s.heapMaxBytes());
                heap = Double.isNaN(heap) ? f : Math.min(heap, f);
            }
        }
        ExecutorSample a = recent.get(0);
        ExecutorSample b = recent.get(recent.size() - 1);
        long wall = b.sampledAtMillis() - a.sampledAtMillis();
        double gc = wall > 0 && b.gcTimeMillis() >= a.gcTimeMillis()
                ? Math.min(1, (double) (b.gcTimeMillis() - a.gcTimeMillis()) / wall) : Double.NaN;
        long gpuErrors = 0;
        for (GpuReading g : b.gpus()) {
            for (GpuReading old : a.gpus()) {
                if (old.index() == g.index() && old.uncorrectedErrors() >= 0 && g.uncorrectedErrors() > old.uncorrectedErrors()) {
                    gpuErrors += g.uncorrectedErrors() - old.uncorrectedErrors();
                }
            }
        }
        return new HealthReading(id, heap, gc, taskFailures, gpuErrors);
    }
}
