package io.txtrain.core.policy;

import io.txtrain.core.policy.Decision.Action;

/**
 * Checkpoints once at least {@code N} rounds have been committed since the last checkpoint.
 *
 * <p>Ignores cluster load, epochs and executor losses. While a persist is in flight a due
 * checkpoint is retried each round, and waited for once {@code 2N} rounds are unprotected.
 */
public final class EveryRoundsPolicy implements CheckpointPolicy {

    private final long rounds;

    /** @throws IllegalArgumentException if {@code rounds < 1} */
    public EveryRoundsPolicy(long rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        this.rounds = rounds;
    }

    @Override
    public Decision decide(PolicyInput in) {
        long since = in.roundsSinceLastCheckpoint();
        if (since < rounds) {
            return decision(Action.NONE, "not due", in);
        }
        if (in.persistInFlight()) {
            Action a = PersistGate.gate(since, rounds);
            return decision(a, PersistGate.reason(a), in);
        }
        return decision(Action.CHECKPOINT, "due", in);
    }

    private Decision decision(Action a, String reason, PolicyInput in) {
        return new Decision(a, reason, Double.NaN, Double.NaN, Double.NaN, name(), in);
    }

    /** The configured number of rounds. */
    public long rounds() {
        return rounds;
    }

    @Override
    public String name() {
        return "every-rounds:" + rounds;
    }
}
