package io.txtrain.core.log;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;

/**
 * One chunk of a round's physical redo image (docs/PROTOCOL.md §3.4): the trainer's opaque encoding
 * of the round's resulting state, split so that no frame exceeds the payload bound. The chunks of
 * round {@code r} precede its {@code ROUND_COMMIT} in the same segment and are synced with it.
 *
 * @param index 0-based chunk index
 * @param count number of chunks of this round's image
 */
public record RoundStateChunk(long round, int index, int count, byte[] data) {
    /** Largest chunk payload: well under the 64 MiB frame bound. */
    public static final int MAX_CHUNK = 16 << 20;

    public byte[] encode() {
        return new PayloadWriter().i64(round).i32(index).i32(count).bytes(data).toBytes();
    }

    public static RoundStateChunk decode(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        RoundStateChunk c = new RoundStateChunk(r.i64(), r.i32(), r.i32(), r.bytes());
        r.end();
        if (c.count < 1 || c.index < 0 || c.index >= c.count) {
            throw new io.txtrain.core.codec.PayloadReader.MalformedPayloadException("state chunk " + c.index + " of "
                    + c.count);
        }
        return c;
    }
}
