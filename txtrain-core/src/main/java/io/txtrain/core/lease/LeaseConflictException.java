package io.txtrain.core.lease;

import java.io.IOException;

/** Another live writer holds the directory. */
public class LeaseConflictException extends IOException {
    public LeaseConflictException(String message) {
        super(message);
    }
}
