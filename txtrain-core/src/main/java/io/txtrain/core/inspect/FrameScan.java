package io.txtrain.core.inspect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.txtrain.core.codec.ByteSource;
import io.txtrain.core.codec.CorruptFrameException;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameScanner;

/**
 * Reads every frame of a whole file, unlike recovery, which stops at the first invalid one: after
 * a damaged frame it resynchronises at the next offset where a valid frame starts
 * ({@link FrameScanner#nextValidFrame}, the rule recovery uses too), so that each damaged place is
 * found and reported on its own.
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

    /** Receives the frames and damaged places of a file in file order, one at a time. */
    public interface Visitor {
        void frame(Frame f) throws IOException;

        void damage(Damage d) throws IOException;
    }

    /** Scans a whole file in memory; for tests and small files. */
    public static FrameScan of(byte[] bytes) {
        List<Frame> frames = new ArrayList<>();
        List<Damage> damage = new ArrayList<>();
        try {
            scan(new FrameScanner(ByteSource.of(bytes), null), new Visitor() {
                @Override
                public void frame(Frame f) {
                    frames.add(f);
                }

                @Override
                public void damage(Damage d) {
                    damage.add(d);
                }
            });
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen on a byte array", e);
        }
        return new FrameScan(List.copyOf(frames), List.copyOf(damage), bytes.length);
    }

    /** Scans a file with bounded memory: one frame's payload at a time, and only after its CRC verified. */
    public static void scan(FrameScanner scanner, Visitor visitor) throws IOException {
        long pos = 0;
        while (pos < scanner.length()) {
            try {
                Frame f = scanner.read(pos);
                visitor.frame(f);
                pos = f.end();
            } catch (CorruptFrameException e) {
                long next = scanner.nextValidFrame(pos + 1);
                visitor.damage(new Damage(pos, e.reason(), e.truncated(), next));
                if (next < 0) {
                    break;
                }
                pos = next;
            }
        }
    }
}
