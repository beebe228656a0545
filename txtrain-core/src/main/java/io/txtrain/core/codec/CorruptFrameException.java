package io.txtrain.core.codec;

import java.io.IOException;

/** A frame failed validation; names the file (when known) and the byte offset of the frame. */
public class CorruptFrameException extends IOException {
    private final long offset;
    private final String reason;
    private final boolean truncated;

    public CorruptFrameException(String where, long offset, String reason, boolean truncated) {
        super((where == null ? "" : where + ": ") + "invalid record at offset " + offset + ": " + reason);
        this.offset = offset;
        this.reason = reason;
        this.truncated = truncated;
    }

    /** Byte offset of the start of the bad frame. */
    public long offset() {
        return offset;
    }

    /** What is wrong with the frame, without the file and offset. */
    public String reason() {
        return reason;
    }

    /** True if the frame ended early (end of file inside the frame), as a torn write does. */
    public boolean truncated() {
        return truncated;
    }
}
