package io.txtrain.core.codec;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Encodes frames: magic, version, type, flags, length, payload, CRC32C (docs/PROTOCOL.md §2).
 * Encoding is pure; decoding lives in {@link FrameReader}.
 */
public final class FrameCodec {
    public static final int MAGIC = 0x54585452; // "TXTR"
    public static final int VERSION = 1;
    public static final int HEADER_BYTES = 12;
    public static final int CRC_BYTES = 4;
    /** Largest payload any frame may have; a larger length field is corruption. */
    public static final int MAX_PAYLOAD = 64 << 20;

    private FrameCodec() {
    }

    public static byte[] encode(RecordType type, byte[] payload) {
        if (payload.length > MAX_PAYLOAD) {
            throw new IllegalArgumentException("record payload of " + payload.length
                    + " bytes exceeds the limit of " + MAX_PAYLOAD);
        }
        ByteBuffer buf = ByteBuffer.allocate(HEADER_BYTES + payload.length + CRC_BYTES);
        buf.putInt(MAGIC).put((byte) VERSION).put((byte) type.code()).putShort((short) 0)
                .putInt(payload.length).put(payload);
        buf.putInt((int) crc(buf.array(), 4, HEADER_BYTES - 4 + payload.length));
        return buf.array();
    }

    static long crc(byte[] bytes, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(bytes, off, len);
        return c.getValue();
    }

    /** CRC32C of a whole array, as stored for checkpoint blobs. */
    public static int crc32c(byte[] bytes) {
        return (int) crc(bytes, 0, bytes.length);
    }
}
