package io.txtrain.core.policy;

import java.util.List;

/**
 * Decides, after each committed round, whether the trainer should checkpoint.
 *
 * <p>Implementations never read a clock: time comes in through {@link PolicyInput#nowMillis()} and
 * the reporting methods. They are safe to call from several threads (failures are typically
 * reported by a listener thread).
 */
public interface CheckpointPolicy {

    /** Decides for the round described by {@code in}; never null, never throws for valid input. */
    Decision decide(PolicyInput in);

    /**
     * Reports a completed checkpoint's measured costs.
     *
     * @param stallSeconds time the training thread was blocked by the checkpoint, &gt;= 0
     * @param persistSeconds time from the end of the stall until the checkpoint was durable, &gt;= 0
     * @throws IllegalArgumentException on a negative or non-finite cost
     */
    default void recordCheckpointCost(double stallSeconds, double persistSeconds) {
        CheckpointPolicies.requireCost(stallSeconds, persistSeconds);
    }

    /** Reports one failure (for example a lost executor) at {@code timeMillis}. */
    default void recordFailure(long timeMillis, String cause) {
    }

    /**
     * Reports that executor {@code executorId} announced it is going away (decommissioning or a
     * graceful shutdown) at {@code timeMillis}. Policies that act on notices checkpoint at the next
     * round boundary; the default ignores it.
     */
    default void recordNotice(long timeMillis, String executorId, String what) {
    }

    /** Reports executor health observed at {@code nowMillis}; the default ignores it. */
    default void recordHealth(long nowMillis, List<HealthReading> readings) {
    }

    /** Short name as configured, for example {@code every-rounds:10}. */
    String name();
}
