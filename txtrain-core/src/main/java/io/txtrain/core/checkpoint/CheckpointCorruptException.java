package io.txtrain.core.checkpoint;

import java.io.IOException;

/** A published checkpoint failed verification; recovery falls back to an older one. */
public class CheckpointCorruptException extends IOException {
    private final CheckpointDefect defect;

    public CheckpointCorruptException(CheckpointDefect defect) {
        super(defect.describe());
        this.defect = defect;
    }

    /** What is wrong, or null if not known in detail. */
    public CheckpointDefect defect() {
        return defect;
    }

    public CheckpointCorruptException(String message) {
        super(message);
        this.defect = null;
    }

    public CheckpointCorruptException(String message, Throwable cause) {
        super(message, cause);
        this.defect = null;
    }
}
