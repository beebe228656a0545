package io.txtrain.spark.plugin;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The driver's view of executor load: one {@link MonitorWindow} per live executor.
 *
 * <p>An executor is <em>live</em> while it has a sample within the window and has not been
 * removed. A removed executor's window is dropped at once and samples from it that arrive later
 * (in flight when it was lost) are ignored; Spark never reuses executor ids.
 *
 * <p>Cluster load is the mean, over live executors, of each executor's mean process CPU load in
 * its window: a number in [0, 1], or NaN when no live executor has a CPU reading. Process CPU load
 * is the executor JVM's share of all CPUs of its host, so with one executor per host 1.0 means
 * the hosts are fully busy with training. Thread-safe: samples arrive on Spark's RPC threads,
 * removals on the listener bus, reads on the training thread.
 */
public final class ClusterMonitor {
    private final long windowMillis;
    private final int maxSamples;
    private final LongSupplier clock;
    private final Map<String, MonitorWindow> windows = new ConcurrentHashMap<>();
    private final Set<String> removed = ConcurrentHashMap.newKeySet();

    /**
     * @param windowMillis how far back windows reach
     * @param intervalMillis the executors' sampling interval, which bounds each window's size
     * @param clock the driver's clock (millis)
     */
    public ClusterMonitor(long windowMillis, long intervalMillis, LongSupplier clock) {
        this.windowMillis = windowMillis;
        // Twice the expected count leaves room for jitter and delayed deliveries.
        this.maxSamples = (int) Math.min(100_000, 2 * Math.max(1, windowMillis / Math.max(1, intervalMillis)) + 8);
        this.clock = clock;
    }

    /** Adds a sample received now, unless its executor was removed. */
    public void record(ExecutorSample s) {
        if (removed.contains(s.executorId())) {
            return;
        }
        windows.computeIfAbsent(s.executorId(), id -> new MonitorWindow(windowMillis, maxSamples))
                .add(s, clock.getAsLong());
        if (removed.contains(s.executorId())) { // removed while this sample was being added
            windows.remove(s.executorId());
        }
    }

    /** Forgets an executor that Spark removed. */
    public void executorRemoved(String executorId) {
        removed.add(executorId);
        windows.remove(executorId);
    }

    /** Ids of the live executors, sorted. */
    public SortedSet<String> liveExecutors() {
        long now = clock.getAsLong();
        SortedSet<String> out = new TreeSet<>();
        windows.forEach((id, w) -> {
            if (w.latest(now) != null) {
                out.add(id);
            }
        });
        return out;
    }

    /** The samples in {@code executorId}'s window, oldest first; empty if it is not live. */
    public List<ExecutorSample> window(String executorId) {
        MonitorWindow w = windows.get(executorId);
        return w == null ? Collections.emptyList() : w.samples(clock.getAsLong());
    }

    /** See the class comment; NaN when unknown. */
    public double clusterLoad() {
        long now = clock.getAsLong();
        return windows.values().stream().mapToDouble(w -> w.meanProcessCpuLoad(now)).filter(v -> !Double.isNaN(v))
                .average().orElse(Double.NaN);
    }
}
