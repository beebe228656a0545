package io.txtrain.core.testing;

import java.time.Duration;

/** Bounded waiting for a condition: never a fixed sleep standing in for synchronisation. */
public final class Poll {
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Poll() {
    }

    public static void until(String what, Duration timeout, Condition condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError err = new AssertionError("timed out after " + timeout + " waiting for " + what);
                if (last != null) {
                    err.initCause(last);
                }
                throw err;
            }
            Thread.sleep(10);
        }
    }
}
