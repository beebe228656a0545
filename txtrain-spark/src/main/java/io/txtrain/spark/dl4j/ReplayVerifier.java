package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.log.LineageChange;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.spark.TxtrainSettings;

/**
 * Decides what a re-executed (replayed) round's result means against its committed record. The
 * same result: nothing to do. A different result in the same environment (same fingerprint, or a
 * log too old to record one) is a real divergence: refused with {@link ReplayMismatchException},
 * unless {@code spark.txtrain.replay.acceptMismatch} is true. A different result after the
 * environment changed is expected (different hardware or backend computes different last bits):
 * accepted as a change of lineage unless {@code spark.txtrain.replay.onEnvironmentChange=fail}.
 * A different position or data fingerprint is never an environment effect.
 */
final class ReplayVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayVerifier.class);
    static final String ENVIRONMENT_CHANGED = "environment changed";
    static final String ACCEPTED_MISMATCH = "mismatch accepted (" + TxtrainSettings.ACCEPT_REPLAY_MISMATCH + ")";
    private final boolean acceptMismatch;
    private final boolean continueOnEnvironmentChange;

    ReplayVerifier(boolean acceptMismatch, boolean continueOnEnvironmentChange) {
        this.acceptMismatch = acceptMismatch;
        this.continueOnEnvironmentChange = continueOnEnvironmentChange;
    }

    /**
     * @return null if {@code redone} reproduces {@code committed}; otherwise the change of lineage
     *         to record before the redone state is used
     * @throws ReplayMismatchException if the difference is not accepted
     */
    LineageChange check(RoundRecord committed, RoundRecord redone, long writerEpoch) {
        List<String> diffs = new ArrayList<>();
        if (committed.trainingEpoch() != redone.trainingEpoch() || committed.splitIndex() != redone.splitIndex()) {
            diffs.add("position: log says epoch " + (committed.trainingEpoch() + 1) + " split "
                    + (committed.splitIndex() + 1) + ", replay is epoch " + (redone.trainingEpoch() + 1) + " split "
                    + (redone.splitIndex() + 1));
        }
        if (!committed.dataFingerprint().equals(redone.dataFingerprint())) {
            diffs.add("data fingerprint " + committed.dataFingerprint() + " vs " + redone.dataFingerprint());
        }
        boolean stateDiffers = !Arrays.equals(committed.stateChecksum(), redone.stateChecksum());
        if (stateDiffers) {
            diffs.add("state checksum " + committed.stateChecksumHex() + " vs " + redone.stateChecksumHex());
        }
        if (diffs.isEmpty()) {
            return null;
        }
        String was = committed.attributes().get(RoundRecord.ENVIRONMENT);
        String now = redone.attributes().getOrDefault(RoundRecord.ENVIRONMENT, "");
        boolean envChanged = was != null && !was.equals(now);
        String msg = "replayed round " + committed.round() + " does not reproduce its committed result: "
                + String.join("; ", diffs) + ". ";
        String reason;
        if (envChanged && diffs.size() == 1 && stateDiffers && continueOnEnvironmentChange) {
            reason = ENVIRONMENT_CHANGED;
            LOG.warn("{}The environment changed (was: {}; now: {}): continuing from the re-executed state, as a new"
                    + " lineage from round {} ({}=continue)", msg, was, now, committed.round(),
                    TxtrainSettings.ON_ENVIRONMENT_CHANGE);
        } else if (acceptMismatch) {
            reason = ACCEPTED_MISMATCH;
            LOG.warn("{}Continuing ({}=true).", msg, TxtrainSettings.ACCEPT_REPLAY_MISMATCH);
        } else {
            String env = was == null ? "The log does not record the environment of this round (written by an older"
                    + " txtrain), so it counts as unchanged."
                    : envChanged ? "The environment changed (was: " + was + "; now: " + now + ")"
                            + (continueOnEnvironmentChange ? ", but the data or position differ too."
                                    : " and " + TxtrainSettings.ON_ENVIRONMENT_CHANGE + "=fail.")
                    : "The environment is the same (" + now + "), so this is a real divergence.";
            throw new ReplayMismatchException(msg + env + " Determinism needs the same data, ND4J backend and"
                    + " thread settings. Set " + TxtrainSettings.ACCEPT_REPLAY_MISMATCH
                    + "=true to continue from the replayed state anyway.");
        }
        return new LineageChange(System.currentTimeMillis(), writerEpoch, committed.round(),
                committed.stateChecksum(), redone.stateChecksum(), was == null ? "" : was, now, reason);
    }
}
