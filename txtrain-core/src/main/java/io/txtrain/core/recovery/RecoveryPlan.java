package io.txtrain.core.recovery;

import java.util.List;

import io.txtrain.core.checkpoint.CheckpointRef;

import io.txtrain.core.checkpoint.VerifiedCheckpoint;
import io.txtrain.core.log.LogChain;
import io.txtrain.core.log.RoundRecord;

/**
 * Where a run resumes: the newest trusted checkpoint (or the initial state), the committed rounds
 * after it that must be replayed, in order, and the next round to execute.
 *
 * @param start    the checkpoint to load, or null to start from the initial state
 * @param replay   committed rounds after {@code start}, to re-execute and verify against their records
 * @param rejected checkpoints skipped because they failed verification, each named with the reason
 * @param untrusted the same checkpoints
 */
public record RecoveryPlan(VerifiedCheckpoint start, List<RoundRecord> replay, long nextRound, LogChain chain,
                           List<String> rejected, List<CheckpointRef> untrusted) {

    public boolean fresh() {
        return start == null && chain.rounds().isEmpty();
    }

    /** Round of the start state: the checkpoint's, or 0. */
    public long startRound() {
        return start == null ? 0 : start.round();
    }

    public long lastCommittedRound() {
        return nextRound - 1;
    }
}
