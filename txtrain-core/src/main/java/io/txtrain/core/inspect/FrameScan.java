package io.txtrain.core.inspect;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.txtrain.core.codec.CorruptFrameException;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;

/**
 * Reads every frame of a whole file, unlike recovery, which stops at the first invalid one: after
 * a damaged frame it resynchronises at the next offset where a valid frame starts, so that each
 * damaged place is found and reported on its own.
 *
 * @param frames valid frames, with their offsets in the file
 * @param damage invalid places, in file order
 * @param length the file's length
 */
public record FrameScan(List<Frame> frames, List<Damage> damage, long length) {

    /**
     * A place where no valid frame starts.
     *
     * @param resumedAt offset of the next valid frame, or -1 if none follows
     */
    public record Damage(long offset, String reason, boolean truncated, long resumedAt) {
        /** A frame cut short at the end of the file and nothing valid after it: what a crash mid-append leaves. */
        public boolean tornTail() {
            return truncated && resumedAt < 0;
        }
    }

    public static FrameScan of(byte[] bytes) {
        List<Frame> frames = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        int pos = 0;
        while (pos < bytes.length) {
            try {
                Frame f = frameAt(bytes, pos);
                frames.add(f);
                pos = (int) f.end();
            } catch (CorruptFrameException e) {
                int next = resync(bytes, pos + 1);
                damage.add(new Damage(pos, e.reason(), e.truncated(), next));
                if (next < 0) {
                    break;
                }
                pos = next;
            }
        }
        return new FrameScan(List.copyOf(frames), List.copyOf(damage), bytes.length);
    }

    private static Frame frameAt(byte[] bytes, int pos) throws CorruptFrameException {
        try {
            Frame f = new FrameReader(new ByteArrayInputStream(bytes, pos, bytes.length - pos), null,
                    bytes.length - pos).next();
            return new Frame(f.type(), f.payload(), pos);
        } catch (CorruptFrameException e) {
            throw e;
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen on a byte array", e);
        }
    }

    private static int resync(byte[] bytes, int from) {
        for (int q = from; q + FrameCodec.HEADER_BYTES + FrameCodec.CRC_BYTES <= bytes.length; q++) {
            if (bytes[q] == 'T' && bytes[q + 1] == 'X' && bytes[q + 2] == 'T' && bytes[q + 3] == 'R') {
                try {
                    frameAt(bytes, q);
                    return q;
                } catch (CorruptFrameException e) {
                    // not a frame start: keep looking
                }
            }
        }
        return -1;
    }
}
