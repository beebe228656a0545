package io.txtrain.core.fs;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * The file system behind a URI could not be reached: its host is unknown, it refused the
 * connection, or it did not answer within Hadoop's connect and RPC timeouts
 * ({@link HadoopClientTimeouts}). The message names the URI and the reason in one line.
 */
public class UnreachableStoreException extends IOException {
    public UnreachableStoreException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * {@code e} as an {@code UnreachableStoreException} naming {@code uri} if it (or a cause) says the
     * store could not be reached; otherwise {@code e} itself.
     */
    public static IOException of(URI uri, IOException e) {
        UnreachableStoreException u = describe(uri, e);
        return u == null ? e : u;
    }

    /**
     * An {@code UnreachableStoreException} naming {@code uri} if {@code e} (or a cause) says the store
     * could not be reached (Hadoop reports an unknown host as an {@link IllegalArgumentException}), else null.
     */
    public static UnreachableStoreException describe(URI uri, Throwable e) {
        if (e instanceof UnreachableStoreException u) {
            return u;
        }
        String reason = reason(e);
        if (reason == null) {
            return null;
        }
        return new UnreachableStoreException("cannot reach " + uri + ": " + reason
                + "; check the URI and that the file system is up (Hadoop's ipc.client.* timeouts bound the wait)", e);
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnknownHostException) {
                return "unknown host " + t.getMessage();
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
                return "connection refused or no route to host";
            }
            if (t instanceof SocketTimeoutException) {
                return "it did not answer in time";
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }
}
