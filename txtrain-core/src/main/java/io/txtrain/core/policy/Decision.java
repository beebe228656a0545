package io.txtrain.core.policy;

import java.util.Locale;

/**
 * A policy's answer for one committed round, renderable as one log line.
 *
 * @param action what the trainer should do
 * @param reason short human-readable reason
 * @param currentIntervalSeconds the checkpoint interval the policy currently aims at (NaN if none)
 * @param mtbfSeconds the MTBF estimate behind the decision (NaN if the policy has none)
 * @param checkpointCostSeconds the checkpoint stall estimate behind the decision (NaN if none)
 * @param policy name of the deciding policy
 * @param input the inputs the decision was made from
 * @param hazardFactor how many times the failure rate is raised by executor health (1 = nothing wrong)
 * @param hazardSignal the health signal behind {@code hazardFactor}, empty when it is 1
 */
public record Decision(
        Action action,
        String reason,
        double currentIntervalSeconds,
        double mtbfSeconds,
        double checkpointCostSeconds,
        String policy,
        PolicyInput input,
        double hazardFactor,
        String hazardSignal) {

    /** A decision without a health-driven hazard. */
    public Decision(Action action, String reason, double currentIntervalSeconds, double mtbfSeconds,
            double checkpointCostSeconds, String policy, PolicyInput input) {
        this(action, reason, currentIntervalSeconds, mtbfSeconds, checkpointCostSeconds, policy, input, 1, "");
    }

    /** What the trainer should do after the round. */
    public enum Action {
        /** Take a checkpoint now. */
        CHECKPOINT,
        /** A checkpoint is due but a persist is still in flight: continue; ask again next round. */
        SKIP,
        /** A checkpoint is due but the cluster is saturated: continue; ask again next round. */
        DEFER,
        /** Block until the in-flight persist has finished, then take a checkpoint. */
        WAIT_FOR_PERSIST,
        /** No checkpoint is due. */
        NONE
    }

    /** True if the trainer should take a checkpoint (immediately or after the in-flight persist). */
    public boolean takesCheckpoint() {
        return action == Action.CHECKPOINT || action == Action.WAIT_FOR_PERSIST;
    }

    /** One line with the decision and every input it was made from. */
    public String logLine() {
        PolicyInput in = input;
        return String.format(Locale.ROOT,
                "checkpoint-policy %s: %s (%s) interval=%s mtbf=%s cost=%s | round=%d now=%d"
                        + " sinceLastCheckpoint=%.1fs/%d rounds lastRound=%.2fs epochBoundary=%b"
                        + " persistInFlight=%b load=%s executorLost=%b hazard=x%.2f%s",
                policy, action, reason, seconds(currentIntervalSeconds), seconds(mtbfSeconds),
                seconds(checkpointCostSeconds), in.round(), in.nowMillis(),
                in.secondsSinceLastCheckpoint(), in.roundsSinceLastCheckpoint(), in.lastRoundSeconds(),
                in.epochBoundary(), in.persistInFlight(),
                Double.isNaN(in.clusterLoad()) ? "n/a" : String.format(Locale.ROOT, "%.2f", in.clusterLoad()),
                in.executorLostSinceLastCheckpoint(), hazardFactor,
                hazardSignal.isEmpty() ? "" : " (" + hazardSignal + ")");
    }

    private static String seconds(double s) {
        if (Double.isNaN(s)) {
            return "n/a";
        }
        if (s >= 7200) {
            return String.format(Locale.ROOT, "%.2fh", s / 3600);
        }
        return String.format(Locale.ROOT, "%.1fs", s);
    }
}
