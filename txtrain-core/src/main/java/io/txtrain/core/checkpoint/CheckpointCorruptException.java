package io.txtrain.core.checkpoint;

import java.io.IOException;

/** A published checkpoint failed verification; recovery falls back to an older one. */
public class CheckpointCorruptException extends IOException {
    public CheckpointCorruptException(String message) {
        super(message);
    }

    public CheckpointCorruptException(String message, Throwable cause) {
        super(message, cause);
    }
}
