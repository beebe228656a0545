package io.txtrain.spark.dl4j;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Executor-side pool of initialised networks, one per concurrently running task, kept across
 * rounds so a round does not rebuild the network from JSON. Every borrow is overwritten with the
 * round's parameters, updater state and counters before use, so reuse cannot change results.
 */
final class WorkerModelCache {
    private static final Map<String, ConcurrentLinkedDeque<ModelAdapter>> POOLS = new ConcurrentHashMap<>();

    private WorkerModelCache() {
    }

    static ModelAdapter borrow(String key, ModelAdapter.Kind kind, String json) {
        ModelAdapter m = POOLS.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).pollFirst();
        return m != null ? m : ModelAdapter.create(kind, json);
    }

    static void release(String key, ModelAdapter model) {
        POOLS.computeIfAbsent(key, k -> new ConcurrentLinkedDeque<>()).addFirst(model);
    }
}
