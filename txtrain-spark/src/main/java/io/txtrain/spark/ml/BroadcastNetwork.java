package io.txtrain.spark.ml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A trained network shipped to executors once, as a broadcast of its {@code ModelSerializer} bytes,
 * and rebuilt there lazily: each executor JVM keeps a small pool of rebuilt networks per broadcast,
 * one per task running at the same time (a DL4J network is not thread-safe), reused by later
 * partitions and later transforms of the same model.
 *
 * <p>Pools are keyed by a random id chosen on the driver, not by the broadcast id, so a new
 * SparkContext in the same JVM (which restarts broadcast ids) never picks up another model's
 * network. The pools of the least recently shipped models are dropped beyond {@value #MAX_MODELS}.
 */
final class BroadcastNetwork implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int MAX_MODELS = 8;
    private static final Map<String, Deque<MultiLayerNetwork>> POOLS = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<MultiLayerNetwork>> eldest) {
            return size() > MAX_MODELS;
        }
    };

    private final String key;
    private final Broadcast<byte[]> bytes;

    BroadcastNetwork(String key, Broadcast<byte[]> bytes) {
        this.key = key;
        this.bytes = bytes;
    }

    /** A network for this task's exclusive use until {@link #release}: pooled, or rebuilt from the broadcast. */
    MultiLayerNetwork borrow() {
        synchronized (POOLS) {
            Deque<MultiLayerNetwork> pool = POOLS.get(key);
            if (pool != null && !pool.isEmpty()) {
                return pool.pop();
            }
        }
        try {
            return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.value()), false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not rebuild the broadcast network: " + e.getMessage(), e);
        }
    }

    /** Returns a borrowed network to this executor's pool. */
    void release(MultiLayerNetwork network) {
        synchronized (POOLS) {
            POOLS.computeIfAbsent(key, k -> new ArrayDeque<>()).push(network);
        }
    }

    /** Drops the broadcast's blocks from the executors (the pools drop out by age). */
    void destroy() {
        bytes.destroy();
    }
}
