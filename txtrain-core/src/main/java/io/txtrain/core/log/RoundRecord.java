package io.txtrain.core.log;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;

/**
 * The logical log record of one committed round (docs/PROTOCOL.md §3.1): enough to re-execute the
 * round deterministically and to check that the re-execution produced the same state.
 *
 * @param round           global round number, 1-based and consecutive
 * @param trainingEpoch   epoch of the training data this round belongs to
 * @param splitIndex      index of this round's split within the epoch
 * @param splitCount      number of splits (rounds) in the epoch
 * @param seeds           per-partition seeds used by the workers
 * @param hyperparameters hyperparameters in force (e.g. learning rate from the schedule)
 * @param dataFingerprint fingerprint of the split's data
 * @param exampleCount    number of training examples in the round
 * @param score           the round's score (loss)
 * @param stateChecksum   SHA-256 of the resulting parameters and updater state
 * @param commitTimeMillis wall-clock time of the commit
 * @param attributes      further trainer-defined facts
 */
public record RoundRecord(long round, int trainingEpoch, int splitIndex, int splitCount, long[] seeds,
                          Map<String, String> hyperparameters, String dataFingerprint, long exampleCount,
                          double score, byte[] stateChecksum, long commitTimeMillis,
                          Map<String, String> attributes) {

    /** Attribute: the environment fingerprint the round's result was computed in (absent in older logs). */
    public static final String ENVIRONMENT = "environment";
    /** Attribute: "physical" when the log holds the round's resulting state (§3.4). */
    public static final String REDO = "redo";
    public static final String REDO_PHYSICAL = "physical";

    public RoundRecord {
        if (round < 1) {
            throw new IllegalArgumentException("round must be >= 1, was " + round);
        }
        seeds = seeds.clone();
        stateChecksum = stateChecksum.clone();
        hyperparameters = Map.copyOf(hyperparameters);
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(dataFingerprint, "dataFingerprint");
    }

    @Override
    public long[] seeds() {
        return seeds.clone();
    }

    @Override
    public byte[] stateChecksum() {
        return stateChecksum.clone();
    }

    public String stateChecksumHex() {
        return HexFormat.of().formatHex(stateChecksum);
    }

    public byte[] encode() {
        return new PayloadWriter().i64(round).i32(trainingEpoch).i32(splitIndex).i32(splitCount)
                .longs(seeds).map(hyperparameters).str(dataFingerprint).i64(exampleCount).f64(score)
                .bytes(stateChecksum).i64(commitTimeMillis).map(attributes).toBytes();
    }

    public static RoundRecord decode(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        RoundRecord rec = new RoundRecord(r.i64(), r.i32(), r.i32(), r.i32(), r.longs(), r.map(), r.str(),
                r.i64(), r.f64(), r.bytes(), r.i64(), r.map());
        r.end();
        return rec;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoundRecord x && round == x.round && trainingEpoch == x.trainingEpoch
                && splitIndex == x.splitIndex && splitCount == x.splitCount && Arrays.equals(seeds, x.seeds)
                && hyperparameters.equals(x.hyperparameters) && dataFingerprint.equals(x.dataFingerprint)
                && exampleCount == x.exampleCount && Double.compare(score, x.score) == 0
                && Arrays.equals(stateChecksum, x.stateChecksum) && commitTimeMillis == x.commitTimeMillis
                && attributes.equals(x.attributes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(round, trainingEpoch, splitIndex, Arrays.hashCode(stateChecksum));
    }

    @Override
    public String toString() {
        return "RoundRecord{round=" + round + ", epoch=" + trainingEpoch + ", split=" + splitIndex + "/"
                + splitCount + ", examples=" + exampleCount + ", score=" + score + ", state=" + stateChecksumHex() + "}";
    }
}
