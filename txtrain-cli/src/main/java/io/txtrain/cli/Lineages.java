package io.txtrain.cli;

import java.util.ArrayList;
import java.util.List;

import io.txtrain.core.log.LineageChange;
import io.txtrain.core.log.LogChain;
import io.txtrain.core.log.RoundRecord;

/**
 * The changes of lineage in a log (docs/PROTOCOL.md §3.3), grouped: one group per writer and
 * consecutive rounds, i.e. one re-execution in a changed environment (or with an accepted mismatch).
 */
final class Lineages {
    /**
     * @param fromRound the first re-executed round whose result changed
     * @param toRound   the last one
     * @param first     the change of {@code fromRound} (old and new environment and checksums)
     * @param last      the change of {@code toRound}
     */
    record Group(long timeMillis, long writerEpoch, long fromRound, long toRound, LineageChange first,
                 LineageChange last) {
        String summary() {
            return "new lineage from round " + fromRound + ": " + (toRound == fromRound ? "round " + fromRound
                    : "rounds " + fromRound + "-" + toRound) + " re-executed by writer epoch " + writerEpoch
                    + " with different results (" + first.reason() + ")";
        }

        List<String> details() {
            List<String> d = new ArrayList<>();
            d.add("old environment: " + (first.oldEnvironment().isEmpty() ? "(not recorded)" : first.oldEnvironment()));
            d.add("new environment: " + first.newEnvironment());
            d.add("round " + fromRound + " checksum " + first.oldChecksumHex().substring(0, 16) + "... -> "
                    + first.newChecksumHex().substring(0, 16) + "...");
            if (toRound != fromRound) {
                d.add("round " + toRound + " checksum " + last.oldChecksumHex().substring(0, 16) + "... -> "
                        + last.newChecksumHex().substring(0, 16) + "...");
            }
            return d;
        }
    }

    private Lineages() {
    }

    static List<Group> of(LogChain chain) {
        List<Group> out = new ArrayList<>();
        LineageChange first = null;
        LineageChange last = null;
        for (LineageChange c : chain.lineage()) {
            if (first != null && (c.writerEpoch() != last.writerEpoch() || c.round() != last.round() + 1)) {
                out.add(group(first, last));
                first = null;
            }
            if (first == null) {
                first = c;
            }
            last = c;
        }
        if (first != null) {
            out.add(group(first, last));
        }
        return out;
    }

    private static Group group(LineageChange first, LineageChange last) {
        return new Group(first.timeMillis(), first.writerEpoch(), first.round(), last.round(), first, last);
    }

    /** The environment the newest round was computed in, or null if the log does not record it. */
    static String currentEnvironment(LogChain chain) {
        if (chain.rounds().isEmpty()) {
            return null;
        }
        return chain.rounds().get(chain.rounds().size() - 1).attributes().get(RoundRecord.ENVIRONMENT);
    }
}
