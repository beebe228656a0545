package io.txtrain.core.policy;

/**
 * Young/Daly optimal checkpoint interval for exponentially distributed failures.
 *
 * <p>Uses Daly's higher-order estimate, which stays accurate when the checkpoint cost is a
 * sizeable fraction of the MTBF and reduces to Young's {@code sqrt(2 delta M)} when it is small.
 */
public final class YoungDaly {

    private YoungDaly() {
    }

    /**
     * Returns the compute time between two checkpoints that minimises expected waste.
     *
     * @param checkpointCostSeconds time the computation is stalled per checkpoint (delta), &gt; 0
     * @param mtbfSeconds mean time between failures (M), &gt; 0
     * @return the optimal interval in seconds, always positive and finite; {@code M} when
     *     {@code delta >= 2M} (checkpointing is then so expensive that one checkpoint per MTBF is
     *     the sensible ceiling)
     * @throws IllegalArgumentException if an argument is not positive and finite
     */
    public static double intervalSeconds(double checkpointCostSeconds, double mtbfSeconds) {
        requirePositiveFinite("checkpoint cost (seconds)", checkpointCostSeconds);
        requirePositiveFinite("MTBF (seconds)", mtbfSeconds);
        double delta = checkpointCostSeconds;
        double m = mtbfSeconds;
        if (delta >= 2 * m) {
            return m;
        }
        double x = delta / (2 * m);
        return Math.sqrt(2 * delta * m) * (1 + Math.sqrt(x) / 3 + x / 9) - delta;
    }

    private static void requirePositiveFinite(String what, double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be positive and finite, got " + v);
        }
    }
}
