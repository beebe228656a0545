package io.txtrain.core.codec;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Finds frames in a file with a fixed amount of memory: the validity of a frame is decided by
 * streaming its bytes through the CRC, and a payload is only allocated for a frame whose CRC
 * already verified (so never larger than the file). The one definition of "a valid frame starts
 * at this offset", used by recovery (is a bad frame of the head segment followed by a valid one?)
 * and by the verifier (where do valid records resume after a damaged place?).
 */
public final class FrameScanner {
    private static final int CHUNK = 64 << 10;

    private final ByteSource src;
    private final String where;

    public FrameScanner(ByteSource src, String where) {
        this.src = src;
        this.where = where;
    }

    public long length() {
        return src.length();
    }

    /**
     * Checks the frame at {@code pos} without allocating its payload.
     *
     * @return the offset just after it
     * @throws CorruptFrameException if no complete, valid frame starts at {@code pos}
     */
    public long check(long pos) throws IOException {
        long left = src.length() - pos;
        if (left <= 0) {
            throw new CorruptFrameException(where, pos, "end of file", true);
        }
        byte[] header = new byte[FrameCodec.HEADER_BYTES];
        if (left < header.length) {
            throw new CorruptFrameException(where, pos, "truncated header (" + left + " bytes)", true);
        }
        src.readFully(pos, header, 0, header.length);
        int length = checkHeader(pos, header, left);
        CRC32C crc = new CRC32C();
        crc.update(header, 4, header.length - 4);
        byte[] buf = new byte[(int) Math.min(CHUNK, Math.max(length, 4))];
        long at = pos + header.length;
        long end = at + length;
        while (at < end) {
            int n = (int) Math.min(buf.length, end - at);
            src.readFully(at, buf, 0, n);
            crc.update(buf, 0, n);
            at += n;
        }
        src.readFully(end, buf, 0, FrameCodec.CRC_BYTES);
        if ((int) crc.getValue() != ByteBuffer.wrap(buf, 0, FrameCodec.CRC_BYTES).getInt()) {
            throw new CorruptFrameException(where, pos, "CRC32C mismatch", false);
        }
        return end + FrameCodec.CRC_BYTES;
    }

    /** Reads the frame at {@code pos} with its payload; see {@link #check}. */
    public Frame read(long pos) throws IOException {
        long end = check(pos);
        byte[] header = new byte[FrameCodec.HEADER_BYTES];
        src.readFully(pos, header, 0, header.length);
        byte[] payload = new byte[(int) (end - pos - FrameCodec.HEADER_BYTES - FrameCodec.CRC_BYTES)];
        src.readFully(pos + header.length, payload, 0, payload.length);
        CRC32C crc = new CRC32C(); // the bytes are read twice: check again that they did not change in between
        crc.update(header, 4, header.length - 4);
        crc.update(payload);
        byte[] stored = new byte[FrameCodec.CRC_BYTES];
        src.readFully(end - FrameCodec.CRC_BYTES, stored, 0, stored.length);
        if ((int) crc.getValue() != ByteBuffer.wrap(stored).getInt()) {
            throw new CorruptFrameException(where, pos, "CRC32C mismatch", false);
        }
        return new Frame(RecordType.fromCode(header[5] & 0xff), payload, pos);
    }

    /**
     * The offset of the first complete, valid frame that starts at or after {@code from}, or -1 if
     * there is none before the end. Reads the rest of the file once, in fixed-size chunks.
     */
    public long nextValidFrame(long from) throws IOException {
        byte[] buf = new byte[CHUNK + 3];
        long base = from;
        while (base + FrameCodec.HEADER_BYTES + FrameCodec.CRC_BYTES <= src.length()) {
            int n = (int) Math.min(buf.length, src.length() - base);
            src.readFully(base, buf, 0, n);
            for (int i = 0; i + 3 < n; i++) {
                if (buf[i] == 'T' && buf[i + 1] == 'X' && buf[i + 2] == 'T' && buf[i + 3] == 'R') {
                    try {
                        check(base + i);
                        return base + i;
                    } catch (CorruptFrameException e) {
                        // not a frame start: keep looking
                    }
                }
            }
            if (n < buf.length) {
                break;
            }
            base += n - 3; // a magic split across two chunks is seen in the next one
        }
        return -1;
    }

    private int checkHeader(long pos, byte[] header, long left) throws CorruptFrameException {
        ByteBuffer h = ByteBuffer.wrap(header);
        if (h.getInt() != FrameCodec.MAGIC) {
            throw new CorruptFrameException(where, pos, "bad magic", false);
        }
        int version = h.get() & 0xff;
        if (version != FrameCodec.VERSION) {
            throw new CorruptFrameException(where, pos, "unsupported format version " + version
                    + ", this txtrain reads <= " + FrameCodec.VERSION, false);
        }
        if (RecordType.fromCode(h.get() & 0xff) == null) {
            throw new CorruptFrameException(where, pos, "unknown record type " + (header[5] & 0xff), false);
        }
        short flags = h.getShort();
        if (flags != 0) {
            throw new CorruptFrameException(where, pos, "unknown flags " + flags, false);
        }
        int length = h.getInt();
        if (length < 0 || length > FrameCodec.MAX_PAYLOAD) {
            throw new CorruptFrameException(where, pos, "absurd length " + length, false);
        }
        if ((long) FrameCodec.HEADER_BYTES + length + FrameCodec.CRC_BYTES > left) {
            throw new CorruptFrameException(where, pos, "length " + length + " runs past the end ("
                    + (pos + left) + " bytes)", true);
        }
        return length;
    }
}
