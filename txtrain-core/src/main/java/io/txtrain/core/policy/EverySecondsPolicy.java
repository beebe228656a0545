package io.txtrain.core.policy;

import io.txtrain.core.policy.Decision.Action;

/**
 * Checkpoints once at least {@code T} seconds have passed since the last checkpoint.
 *
 * <p>Ignores cluster load, epochs and executor losses. While a persist is in flight a due
 * checkpoint is retried each round, and waited for once {@code 2T} seconds are unprotected.
 */
public final class EverySecondsPolicy implements CheckpointPolicy {

    private final double seconds;

    /** @throws IllegalArgumentException unless {@code seconds} is positive and finite */
    public EverySecondsPolicy(double seconds) {
        if (!(seconds > 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("seconds must be positive and finite, got " + seconds);
        }
        this.seconds = seconds;
    }

    @Override
    public Decision decide(PolicyInput in) {
        double since = in.secondsSinceLastCheckpoint();
        if (since < seconds) {
            return decision(Action.NONE, "not due", in);
        }
        if (in.persistInFlight()) {
            Action a = PersistGate.gate(since, seconds);
            return decision(a, PersistGate.reason(a), in);
        }
        return decision(Action.CHECKPOINT, "due", in);
    }

    private Decision decision(Action a, String reason, PolicyInput in) {
        return new Decision(a, reason, seconds, Double.NaN, Double.NaN, name(), in);
    }

    /** The configured interval in seconds. */
    public double seconds() {
        return seconds;
    }

    @Override
    public String name() {
        return "every-seconds:" + Durations.format(seconds);
    }
}
