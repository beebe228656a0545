package io.txtrain.core.policy;

import io.txtrain.core.policy.Decision.Action;

/** The shared rule for a due checkpoint while an earlier one is still being persisted. */
final class PersistGate {

    /** How many intervals of unprotected work justify blocking on the in-flight persist. */
    static final double WAIT_AFTER_INTERVALS = 2.0;

    private PersistGate() {
    }

    /**
     * SKIP (retry next round, training continues) unless the work since the last checkpoint has
     * reached {@link #WAIT_AFTER_INTERVALS} intervals: then WAIT_FOR_PERSIST, so a slow store can
     * never leave work unprotected indefinitely.
     */
    static Action gate(double progressSinceCheckpoint, double interval) {
        return progressSinceCheckpoint >= WAIT_AFTER_INTERVALS * interval ? Action.WAIT_FOR_PERSIST : Action.SKIP;
    }

    static String reason(Action a) {
        return a == Action.WAIT_FOR_PERSIST
                ? "due, persist in flight and work at risk >= 2 intervals: wait"
                : "due, persist in flight: retry next round";
    }
}
