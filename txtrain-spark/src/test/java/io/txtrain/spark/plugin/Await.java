package io.txtrain.spark.plugin;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls a condition until it holds or a deadline passes. */
final class Await {
    private Await() {
    }

    /** Returns the first non-null value {@code probe} gives within {@code timeout}; fails after it. */
    static <T> T until(Duration timeout, String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    static void condition(Duration timeout, String what, java.util.function.BooleanSupplier c) {
        until(timeout, what, () -> c.getAsBoolean() ? Boolean.TRUE : null);
    }
}
