package io.txtrain.core.log;

import java.io.IOException;

/** Another writer has taken over the directory; this writer must stop and commit nothing more. */
public class FencedException extends IOException {
    public FencedException(String message) {
        super(message);
    }
}
