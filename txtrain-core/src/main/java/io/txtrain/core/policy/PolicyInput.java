package io.txtrain.core.policy;

/**
 * What the trainer knows after a committed round.
 *
 * @param round index of the round just committed
 * @param nowMillis current time
 * @param secondsSinceLastCheckpoint time since the last checkpoint's stall ended (or since the
 *     start / the restore), whether or not its persist has finished
 * @param roundsSinceLastCheckpoint rounds committed since then
 * @param lastRoundSeconds duration of the round just committed
 * @param epochBoundary whether this round ended an epoch
 * @param persistInFlight whether an earlier checkpoint is still being persisted
 * @param clusterLoad cluster load in [0, 1], or NaN if unknown
 * @param executorLostSinceLastCheckpoint whether an executor was lost since the last checkpoint
 *     while the trainer kept its in-memory progress (false right after a restore)
 */
public record PolicyInput(
        long round,
        long nowMillis,
        double secondsSinceLastCheckpoint,
        long roundsSinceLastCheckpoint,
        double lastRoundSeconds,
        boolean epochBoundary,
        boolean persistInFlight,
        double clusterLoad,
        boolean executorLostSinceLastCheckpoint) {

    /** @throws IllegalArgumentException on negative counts or durations, or a load outside [0, 1] */
    public PolicyInput {
        if (round < 0 || roundsSinceLastCheckpoint < 0) {
            throw new IllegalArgumentException("round counts must be >= 0: round=" + round
                    + " roundsSinceLastCheckpoint=" + roundsSinceLastCheckpoint);
        }
        if (!(secondsSinceLastCheckpoint >= 0) || !(lastRoundSeconds >= 0)
                || Double.isInfinite(secondsSinceLastCheckpoint) || Double.isInfinite(lastRoundSeconds)) {
            throw new IllegalArgumentException("durations must be finite and >= 0: secondsSinceLastCheckpoint="
                    + secondsSinceLastCheckpoint + " lastRoundSeconds=" + lastRoundSeconds);
        }
        if (!Double.isNaN(clusterLoad) && !(clusterLoad >= 0 && clusterLoad <= 1)) {
            throw new IllegalArgumentException("clusterLoad must be in [0, 1] or NaN, got " + clusterLoad);
        }
    }
}
