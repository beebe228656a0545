package io.txtrain.core.codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Reads frames from a stream, validating each one completely. Magic, version, type and length are
 * checked before the payload is allocated, and the length is also bounded by the bytes known to
 * remain, so a corrupted length can never cause a large allocation.
 */
public final class FrameReader {
    private final InputStream in;
    private final String where;
    private final long limit;
    private long position;

    /**
     * @param where name used in error messages (usually the file path)
     * @param limit number of bytes that may be read, or -1 if unknown
     */
    public FrameReader(InputStream in, String where, long limit) {
        this.in = in;
        this.where = where;
        this.limit = limit;
    }

    /** Offset of the next frame. */
    public long position() {
        return position;
    }

    /**
     * Returns the next frame, or null at a clean end (no byte of a further frame present).
     *
     * @throws CorruptFrameException if the next frame is incomplete or invalid; the stream is then
     *                               unusable
     */
    public Frame next() throws IOException {
        long start = position;
        byte[] header = new byte[FrameCodec.HEADER_BYTES];
        int got = readFully(header, 0, header.length);
        if (got == 0) {
            return null;
        }
        if (got < header.length) {
            throw new CorruptFrameException(where, start, "truncated header (" + got + " bytes)", true);
        }
        ByteBuffer h = ByteBuffer.wrap(header);
        if (h.getInt() != FrameCodec.MAGIC) {
            throw new CorruptFrameException(where, start, "bad magic", false);
        }
        int version = h.get() & 0xff;
        if (version != FrameCodec.VERSION) {
            throw new CorruptFrameException(where, start, "unsupported format version " + version
                    + ", this txtrain reads <= " + FrameCodec.VERSION, false);
        }
        RecordType type = RecordType.fromCode(h.get() & 0xff);
        if (type == null) {
            throw new CorruptFrameException(where, start, "unknown record type " + (header[5] & 0xff), false);
        }
        short flags = h.getShort();
        if (flags != 0) {
            throw new CorruptFrameException(where, start, "unknown flags " + flags, false);
        }
        int length = h.getInt();
        if (length < 0 || length > FrameCodec.MAX_PAYLOAD) {
            throw new CorruptFrameException(where, start, "absurd length " + length, false);
        }
        long needed = (long) length + FrameCodec.CRC_BYTES;
        if (limit >= 0 && start + FrameCodec.HEADER_BYTES + needed > limit) {
            throw new CorruptFrameException(where, start, "length " + length + " runs past the end ("
                    + limit + " bytes)", true);
        }
        byte[] body = new byte[length + FrameCodec.CRC_BYTES];
        int bodyGot = readFully(body, 0, body.length);
        if (bodyGot < body.length) {
            throw new CorruptFrameException(where, start, "truncated payload", true);
        }
        CRC32C crc = new CRC32C();
        crc.update(header, 4, header.length - 4);
        crc.update(body, 0, length);
        int stored = ByteBuffer.wrap(body, length, FrameCodec.CRC_BYTES).getInt();
        if ((int) crc.getValue() != stored) {
            throw new CorruptFrameException(where, start, "CRC32C mismatch", false);
        }
        byte[] payload = new byte[length];
        System.arraycopy(body, 0, payload, 0, length);
        return new Frame(type, payload, start);
    }

    /** Reads the next frame and checks its type; a missing frame is an error. */
    public Frame expect(RecordType type) throws IOException {
        long start = position;
        Frame f = next();
        if (f == null) {
            throw new CorruptFrameException(where, start, "expected " + type + " record, found end of file", true);
        }
        if (f.type() != type) {
            throw new CorruptFrameException(where, start, "expected " + type + " record, found " + f.type(), false);
        }
        return f;
    }

    private int readFully(byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int n;
            try {
                n = in.read(b, off + total, len - total);
            } catch (EOFException e) {
                n = -1;
            }
            if (n < 0) {
                break;
            }
            total += n;
        }
        position += total;
        return total;
    }
}
