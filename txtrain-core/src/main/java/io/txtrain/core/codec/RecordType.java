package io.txtrain.core.codec;

/** Frame record types of format version 1 (docs/PROTOCOL.md §2). Codes are stable on disk. */
public enum RecordType {
    META(1), SEGMENT_HEADER(2), ROUND_COMMIT(3), RECOVERY(4), MANIFEST(5), LEASE(6), LINEAGE(7), ROUND_STATE(8),
    HISTORY(9);

    private final int code;

    RecordType(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** Returns the type for an on-disk code, or null if the code is unknown. */
    public static RecordType fromCode(int code) {
        for (RecordType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }
}
