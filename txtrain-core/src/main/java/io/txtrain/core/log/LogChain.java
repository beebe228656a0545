package io.txtrain.core.log;

import java.util.List;
import java.util.Map;

/**
 * The trusted content of a log (docs/PROTOCOL.md §3.2).
 *
 * @param segments       segment names on the chain, oldest first
 * @param segmentFirstRounds first round of each segment, parallel to {@code segments}
 * @param rounds         committed rounds in order, consecutive
 * @param recoveries     recorded writer starts, oldest first
 * @param headValidLength length of the head's valid prefix (0 if there is no segment)
 * @param maxEpoch       highest writer epoch seen on any segment, on or off the chain
 * @param orphans        segments not on the chain (written by fenced-out writers)
 * @param lineage        changes of lineage, oldest first (§3.3); {@code rounds} already carries their new checksums
 * @param stateImages    physical redo images (§3.4) by round: for each run of consecutive rounds that have
 *                       one, only the last round's and those of the last rounds of epochs (the others are
 *                       superseded by a later one)
 */
public record LogChain(List<String> segments, List<Long> segmentFirstRounds, List<RoundRecord> rounds,
                       List<RecoveryEvent> recoveries, long headValidLength, long maxEpoch, List<String> orphans,
                       List<LineageChange> lineage, Map<Long, byte[]> stateImages) {

    public LogChain(List<String> segments, List<Long> segmentFirstRounds, List<RoundRecord> rounds,
                    List<RecoveryEvent> recoveries, long headValidLength, long maxEpoch, List<String> orphans) {
        this(segments, segmentFirstRounds, rounds, recoveries, headValidLength, maxEpoch, orphans, List.of(), Map.of());
    }

    public static LogChain empty() {
        return new LogChain(List.of(), List.of(), List.of(), List.of(), 0, 0, List.of());
    }

    /** The physical redo image of round {@code r}, or null if the log holds none (or a later round's supersedes it). */
    public byte[] stateImage(long r) {
        return stateImages.get(r);
    }

    public boolean isEmpty() {
        return segments.isEmpty();
    }

    public String head() {
        return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    }

    /** Last committed round, or {@code firstRound - 1} of the chain if it holds no round, or 0. */
    public long lastRound() {
        if (!rounds.isEmpty()) {
            return rounds.get(rounds.size() - 1).round();
        }
        return segmentFirstRounds.isEmpty() ? 0 : segmentFirstRounds.get(segmentFirstRounds.size() - 1) - 1;
    }

    /** First round the chain can still show a record for (rounds before it were truncated). */
    public long firstRound() {
        return segmentFirstRounds.isEmpty() ? 1 : segmentFirstRounds.get(0);
    }

    public RoundRecord round(long r) {
        if (rounds.isEmpty() || r < rounds.get(0).round() || r > lastRound()) {
            return null;
        }
        return rounds.get((int) (r - rounds.get(0).round()));
    }
}
