package io.txtrain.core.policy;

import io.txtrain.core.policy.Decision.Action;

/** Never checkpoints: a failure loses all progress since the start (or the last restore). */
public final class NoCheckpointPolicy implements CheckpointPolicy {

    @Override
    public Decision decide(PolicyInput in) {
        return new Decision(Action.NONE, "checkpointing off", Double.NaN, Double.NaN, Double.NaN, name(), in);
    }

    @Override
    public String name() {
        return "off";
    }
}
