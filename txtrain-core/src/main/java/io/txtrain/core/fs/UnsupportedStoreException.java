package io.txtrain.core.fs;

import java.io.IOException;

/** The checkpoint directory is on a file system that cannot make commits durable or publish atomically. */
public class UnsupportedStoreException extends IOException {
    public UnsupportedStoreException(String message) {
        super(message);
    }
}
