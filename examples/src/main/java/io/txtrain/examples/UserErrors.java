package io.txtrain.examples;

import java.io.IOException;

/** The one line a person needs from an error: the most specific message, without exception class names. */
final class UserErrors {
    private UserErrors() {
    }

    static String describe(Throwable e) {
        Throwable best = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException && t.getMessage() != null) {
                best = t; // txtrain's and Hadoop's I/O errors name the file or URI
                break;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        String m = best.getMessage() == null ? best.toString() : best.getMessage();
        if (m.startsWith("txtrain: ")) {
            m = m.substring("txtrain: ".length());
        }
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
