package io.txtrain.spark.dl4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.SparkEnv;

import io.txtrain.core.config.TxtrainConfig;

/**
 * Where a state's bytes live. States the driver keeps (the committed state, each round's mean, a
 * restored checkpoint) are kept off its Java heap (direct memory, counted against
 * {@code -XX:MaxDirectMemorySize}) as {@code spark.txtrain.driver.stateOffHeap} says: by default
 * those of at least {@link #AUTO_OFF_HEAP_FROM} bytes; so the driver's heap no longer grows with
 * them. States in flight (worker results, received slices) and everything outside a Spark driver
 * (executors, tools without Spark on their class path) stay on the heap, which memory settings
 * account for and which is freed promptly.
 */
final class StateMemory {
    /** 16 MiB: below it, states are a small part of the driver's heap. */
    static final int AUTO_OFF_HEAP_FROM = 16 << 20;
    private static volatile long offHeapFrom = AUTO_OFF_HEAP_FROM;
    private static final AtomicLong OFF_HEAP_ALLOCATIONS = new AtomicLong();

    private StateMemory() {
    }

    /**
     * Sets the driver's choice from {@code spark.txtrain.driver.stateOffHeap}'s value; the last
     * training run to start in this JVM decides.
     *
     * @throws IllegalArgumentException naming the key and its values, for another value
     */
    static void configure(String setting) {
        offHeapFrom = switch (setting.toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> AUTO_OFF_HEAP_FROM;
            case "always" -> 0;
            case "never" -> Long.MAX_VALUE;
            default -> throw new IllegalArgumentException(TxtrainConfig.DRIVER_STATE_OFF_HEAP.key() + " = '" + setting
                    + "': expected auto, always or never");
        };
    }

    /** A little-endian heap buffer of {@code bytes} zero bytes, positioned at 0: for a state in flight. */
    static ByteBuffer heap(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A little-endian buffer of {@code bytes} zero bytes, positioned at 0, for a state the driver keeps. */
    static ByteBuffer kept(int bytes) {
        if (keptOffHeap(bytes)) {
            OFF_HEAP_ALLOCATIONS.incrementAndGet();
            return ByteBuffer.allocateDirect(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }
        return heap(bytes);
    }

    /** Whether a kept state of {@code bytes} goes off the heap here. */
    static boolean keptOffHeap(int bytes) {
        return inDriver() && bytes > 0 && bytes >= offHeapFrom;
    }

    /** How many states this JVM has kept off the heap so far. */
    static long offHeapAllocations() {
        return OFF_HEAP_ALLOCATIONS.get();
    }

    private static boolean inDriver() {
        return SPARK && SparkDriver.here();
    }

    private static final boolean SPARK = sparkPresent();

    private static boolean sparkPresent() {
        try {
            Class.forName("org.apache.spark.SparkEnv", false, StateMemory.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false; // the CLI reads checkpoints without Spark
        }
    }

    /** Loaded only where Spark is. */
    private static final class SparkDriver {
        static boolean here() {
            SparkEnv env = SparkEnv.get();
            return env != null && "driver".equals(env.executorId()); // SparkContext.DRIVER_IDENTIFIER
        }
    }
}
