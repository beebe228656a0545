package io.txtrain.core.recovery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.checkpoint.CheckpointCorruptException;
import io.txtrain.core.checkpoint.CheckpointDefect;
import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.checkpoint.Manifest;
import io.txtrain.core.checkpoint.VerifiedCheckpoint;
import io.txtrain.core.log.CorruptLogException;
import io.txtrain.core.log.LogChain;
import io.txtrain.core.log.LogChainReader;
import io.txtrain.core.log.RoundRecord;

/**
 * Computes a {@link RecoveryPlan} (docs/PROTOCOL.md §8). Reads only; trusts a checkpoint only if
 * its manifest and blobs verify and the log's record of its round has the same state checksum.
 */
public final class RecoveryPlanner {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryPlanner.class);
    private final LogChainReader logReader;
    private final CheckpointStore checkpoints;

    public RecoveryPlanner(LogChainReader logReader, CheckpointStore checkpoints) {
        this.logReader = logReader;
        this.checkpoints = checkpoints;
    }

    public RecoveryPlan plan() throws IOException {
        LogChain chain = logReader.read();
        List<String> rejected = new ArrayList<>();
        List<CheckpointRef> untrusted = new ArrayList<>();
        VerifiedCheckpoint start = null;
        for (CheckpointRef ref : checkpoints.list()) {
            try {
                start = trusted(ref, chain);
                break;
            } catch (CheckpointCorruptException e) {
                LOG.warn("skipping checkpoint {}: {}", ref.path(), e.getMessage());
                rejected.add(ref.path().getName() + ": " + e.getMessage());
                untrusted.add(ref);
            }
        }
        long startRound = start == null ? 0 : start.round();
        if (start == null && !chain.rounds().isEmpty() && chain.firstRound() != 1) {
            throw new CorruptLogException("no valid checkpoint, and the log no longer reaches back to round 1"
                    + " (it starts at round " + chain.firstRound() + "); rejected checkpoints: " + rejected);
        }
        List<RoundRecord> replay = new ArrayList<>();
        for (RoundRecord r : chain.rounds()) {
            if (r.round() > startRound) {
                replay.add(r);
            }
        }
        long next = Math.max(chain.lastRound(), startRound) + 1;
        return new RecoveryPlan(start, List.copyOf(replay), next, chain, List.copyOf(rejected),
                List.copyOf(untrusted));
    }

    /**
     * Loads {@code ref} and applies the trust rules of docs/PROTOCOL.md §4 against {@code chain}.
     *
     * @throws CheckpointCorruptException naming the reason if the checkpoint is not trusted
     */
    public VerifiedCheckpoint trusted(CheckpointRef ref, LogChain chain) throws IOException {
        VerifiedCheckpoint v = checkpoints.load(ref);
        CheckpointDefect d = againstLog(ref, v.manifest(), chain);
        if (d != null) {
            throw new CheckpointCorruptException(d);
        }
        return v;
    }

    /**
     * The same rules as {@link #trusted}, with a fixed-size buffer and without loading the blobs,
     * reporting every defect (for the verifier): the checkpoint is trusted exactly when the list is
     * empty.
     *
     * @param chain the log, or null if it cannot be read (then rule c is not applied)
     */
    public List<CheckpointDefect> defects(CheckpointRef ref, LogChain chain) throws IOException {
        List<CheckpointDefect> defects = new ArrayList<>();
        Manifest m = checkpoints.check(ref, defects);
        if (defects.isEmpty() && chain != null) {
            CheckpointDefect d = againstLog(ref, m, chain);
            if (d != null) {
                defects.add(d);
            }
        }
        return defects;
    }

    /** Rule (c): the log's record of the checkpoint's round has the same state checksum. */
    private static CheckpointDefect againstLog(CheckpointRef ref, Manifest m, LogChain chain) {
        if (ref.round() == 0) {
            return null;
        }
        RoundRecord rec = chain.round(ref.round());
        if (rec == null) {
            return new CheckpointDefect(ref.path(), -1, CheckpointDefect.Kind.NOT_IN_LOG, "round " + ref.round()
                    + " is not committed in the log" + (ref.round() > chain.lastRound()
                    ? " (the checkpoint of a fenced-out writer)" : " (the log no longer holds it, or was damaged)"));
        }
        if (!Arrays.equals(rec.stateChecksum(), m.stateChecksum())) {
            return new CheckpointDefect(ref.path(), -1, CheckpointDefect.Kind.CHECKSUM_DIFFERS, "state checksum "
                    + m.stateChecksumHex() + " differs from the committed round's " + rec.stateChecksumHex());
        }
        return null;
    }
}
