package io.txtrain.core.log;

import java.io.IOException;

/** The log is damaged where it must be intact; recovery cannot proceed without a person. */
public class CorruptLogException extends IOException {
    public CorruptLogException(String message) {
        super(message);
    }

    public CorruptLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
