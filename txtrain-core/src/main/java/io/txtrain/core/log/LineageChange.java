package io.txtrain.core.log;

import java.util.HexFormat;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;

/**
 * A committed round whose re-execution gave a different state, accepted as its new committed
 * result (docs/PROTOCOL.md §3.3): from this record on, the round's checksum is {@code newChecksum}.
 * The round itself (its data, seeds and position) is unchanged: it is neither lost nor counted twice.
 *
 * @param writerEpoch    the writer that re-executed the round
 * @param round          the committed round
 * @param oldChecksum    the checksum it was committed with (or carried since the last change)
 * @param newChecksum    the re-executed result's checksum
 * @param oldEnvironment the environment fingerprint the round was committed in ("" if unknown)
 * @param newEnvironment the environment fingerprint of the re-execution
 * @param reason         why the new result was accepted (e.g. "environment changed")
 */
public record LineageChange(long timeMillis, long writerEpoch, long round, byte[] oldChecksum, byte[] newChecksum,
                            String oldEnvironment, String newEnvironment, String reason) {

    public LineageChange {
        oldChecksum = oldChecksum.clone();
        newChecksum = newChecksum.clone();
    }

    @Override
    public byte[] oldChecksum() {
        return oldChecksum.clone();
    }

    @Override
    public byte[] newChecksum() {
        return newChecksum.clone();
    }

    public String oldChecksumHex() {
        return HexFormat.of().formatHex(oldChecksum);
    }

    public String newChecksumHex() {
        return HexFormat.of().formatHex(newChecksum);
    }

    public byte[] encode() {
        return new PayloadWriter().i64(timeMillis).i64(writerEpoch).i64(round).bytes(oldChecksum).bytes(newChecksum)
                .str(oldEnvironment).str(newEnvironment).str(reason).toBytes();
    }

    public static LineageChange decode(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        LineageChange c = new LineageChange(r.i64(), r.i64(), r.i64(), r.bytes(), r.bytes(), r.str(), r.str(), r.str());
        r.end();
        return c;
    }
}
