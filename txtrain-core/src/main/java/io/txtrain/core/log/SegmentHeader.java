package io.txtrain.core.log;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;

/**
 * First frame of a log segment. Names the predecessor on the chain and how many of its bytes are
 * trusted; bytes past that length are never read as records.
 */
public record SegmentHeader(long writerEpoch, long firstRound, String previousSegment, long previousTrustedLength) {

    public boolean hasPrevious() {
        return !previousSegment.isEmpty();
    }

    public byte[] encode() {
        return new PayloadWriter().i64(writerEpoch).i64(firstRound).str(previousSegment)
                .i64(previousTrustedLength).toBytes();
    }

    public static SegmentHeader decode(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        SegmentHeader h = new SegmentHeader(r.i64(), r.i64(), r.str(), r.i64());
        r.end();
        return h;
    }
}
