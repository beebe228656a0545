package io.txtrain.spark.dl4j;

import java.io.ByteArrayOutputStream;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.log.CorruptLogException;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.codec.PayloadWriter;

/**
 * Physical redo (Haerder and Reuter's physical logging): for small states, a round's resulting
 * parameters and updater state go into the log with its commit record, so that
 * recovery restores the round exactly, on any hardware, without a Spark job. Whether a round is
 * logged physically: its state is at most {@code maxStateBytes}, and the last physically logged
 * round's extra cost (encode and write) was at most {@code maxShare} of its round time; after a
 * round over that share, the next {@link #PAUSE_ROUNDS} rounds are logged logically only.
 */
final class PhysicalRedo {
    static final int PAUSE_ROUNDS = 10;
    private final long maxStateBytes;
    private final double maxShare;
    private int pausedFor;

    PhysicalRedo(long maxStateBytes, double maxShare) {
        this.maxStateBytes = maxStateBytes;
        this.maxShare = maxShare;
    }

    /** Whether the next round, whose state takes {@code stateBytes}, is logged physically. */
    boolean wanted(long stateBytes) {
        if (pausedFor > 0) {
            pausedFor--;
            return false;
        }
        return stateBytes > 0 && stateBytes <= maxStateBytes;
    }

    /** Reports the extra cost of a physically logged round against the round's whole time. */
    void measured(long extraNanos, long roundNanos) {
        if (roundNanos > 0 && extraNanos > maxShare * roundNanos) {
            pausedFor = PAUSE_ROUNDS;
        }
    }

    /** Image codec: the two encodings as they are. */
    static final int RAW = 0;
    /** Image codec: the two encodings, deflated. */
    static final int DEFLATE = 1;

    /** The image txtrain logs: {@link #RAW} (deflate saves about 9 % of float32 states at 20x the cost). */
    static byte[] encode(FlatState params, FlatState updater) {
        return encode(params, updater, RAW);
    }

    /** The image: a codec byte, then both states' exact encodings, raw or deflated. */
    static byte[] encode(FlatState params, FlatState updater, int codec) {
        byte[] raw = new PayloadWriter().bytes(params.encode()).bytes(updater.encode()).toBytes();
        if (codec == RAW) {
            byte[] out = new byte[raw.length + 1];
            out[0] = RAW;
            System.arraycopy(raw, 0, out, 1, raw.length);
            return out;
        }
        Deflater d = new Deflater(Deflater.BEST_SPEED);
        try {
            d.setInput(raw);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length / 2 + 64);
            out.write(DEFLATE);
            byte[] buf = new byte[1 << 16];
            while (!d.finished()) {
                out.write(buf, 0, d.deflate(buf));
            }
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    /**
     * The state a physically logged round restores to, checked against its record: {params,
     * updater}, or null if the log keeps no image for this round because a later round's supersedes
     * it (docs/PROTOCOL.md §3.4).
     *
     * @throws ReplayMismatchException if the round is logged at another position of the epoch
     * @throws CorruptLogException     if the image does not restore the record's checksum
     */
    static FlatState[] restore(RoundRecord rec, byte[] image, int epoch, int split, Object where)
            throws CorruptLogException {
        if (rec.trainingEpoch() != epoch || rec.splitIndex() != split) {
            throw new ReplayMismatchException("replayed round " + rec.round() + " is logged at epoch "
                    + rec.trainingEpoch() + " split " + rec.splitIndex() + ", but the replay is at epoch " + epoch
                    + " split " + split + "; the data or settings changed");
        }
        if (image == null) {
            return null;
        }
        FlatState[] state = decode(image);
        byte[] checksum = StateDigest.of(state[0], state[1]);
        if (!java.util.Arrays.equals(checksum, rec.stateChecksum())) {
            throw new CorruptLogException("the physical redo image of round " + rec.round() + " in " + where
                    + " restores checksum " + StateDigest.hex(checksum) + ", but the round's is "
                    + rec.stateChecksumHex());
        }
        return state;
    }

    /** {params, updater} from an image. */
    static FlatState[] decode(byte[] image) {
        if (image.length == 0 || (image[0] != RAW && image[0] != DEFLATE)) {
            throw new IllegalStateException("physical redo image has an unknown codec");
        }
        byte[] raw = image[0] == RAW ? java.util.Arrays.copyOfRange(image, 1, image.length) : inflate(image);
        PayloadReader r = new PayloadReader(raw);
        FlatState p = FlatState.decode(r.bytes());
        FlatState u = FlatState.decode(r.bytes());
        r.end();
        return new FlatState[] {p, u};
    }

    private static byte[] inflate(byte[] image) {
        Inflater in = new Inflater();
        try {
            in.setInput(image, 1, image.length - 1);
            ByteArrayOutputStream out = new ByteArrayOutputStream(image.length * 2);
            byte[] buf = new byte[1 << 16];
            while (!in.finished()) {
                int n = in.inflate(buf);
                if (n == 0 && (in.needsInput() || in.needsDictionary())) {
                    throw new IllegalStateException("physical redo image is truncated");
                }
                out.write(buf, 0, n);
            }
            return out.toByteArray();
        } catch (DataFormatException e) {
            throw new IllegalStateException("physical redo image is damaged: " + e.getMessage(), e);
        } finally {
            in.end();
        }
    }
}
