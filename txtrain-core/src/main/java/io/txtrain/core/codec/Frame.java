package io.txtrain.core.codec;

/** One validated frame: its type, payload and the file offset it started at. */
public record Frame(RecordType type, byte[] payload, long offset) {
    /** Offset of the first byte after this frame. */
    public long end() {
        return offset + FrameCodec.HEADER_BYTES + payload.length + FrameCodec.CRC_BYTES;
    }
}
