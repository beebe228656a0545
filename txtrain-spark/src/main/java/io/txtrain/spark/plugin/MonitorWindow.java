package io.txtrain.spark.plugin;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The samples of one executor received within the last {@code window} milliseconds (by the
 * driver's clock, so executor clock skew does not matter), oldest first.
 *
 * <p>Guarantees: memory is bounded by {@code maxSamples} (the oldest sample is dropped first);
 * samples older than the window are dropped on every add and read. Thread-safe.
 */
public final class MonitorWindow {
    private record Entry(long receivedMillis, ExecutorSample sample) {
    }

    private final long windowMillis;
    private final int maxSamples;
    private final Deque<Entry> entries = new ArrayDeque<>();

    public MonitorWindow(long windowMillis, int maxSamples) {
        if (windowMillis <= 0 || maxSamples < 1) {
            throw new IllegalArgumentException("window " + windowMillis + " ms, max samples " + maxSamples);
        }
        this.windowMillis = windowMillis;
        this.maxSamples = maxSamples;
    }

    public synchronized void add(ExecutorSample s, long receivedMillis) {
        entries.addLast(new Entry(receivedMillis, s));
        while (entries.size() > maxSamples) {
            entries.removeFirst();
        }
        evict(receivedMillis);
    }

    /** Samples received within the window ending at {@code nowMillis}, oldest first. */
    public synchronized List<ExecutorSample> samples(long nowMillis) {
        evict(nowMillis);
        List<ExecutorSample> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.sample);
        }
        return out;
    }

    /** Mean process CPU load over the window's samples that have one, or NaN if none. */
    public synchronized double meanProcessCpuLoad(long nowMillis) {
        evict(nowMillis);
        return entries.stream().mapToDouble(e -> e.sample.processCpuLoad()).filter(v -> !Double.isNaN(v))
                .average().orElse(Double.NaN);
    }

    /** The newest sample within the window, or null. */
    public synchronized ExecutorSample latest(long nowMillis) {
        evict(nowMillis);
        return entries.isEmpty() ? null : entries.getLast().sample;
    }

    private void evict(long nowMillis) {
        while (!entries.isEmpty() && entries.getFirst().receivedMillis < nowMillis - windowMillis) {
            entries.removeFirst();
        }
    }
}
