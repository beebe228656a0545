package io.txtrain.core.lease;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This machine's host name, as recorded in leases. */
final class LocalHost {
    private static final String NAME = resolve();

    private LocalHost() {
    }

    static String name() {
        return NAME;
    }

    private static String resolve() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown-host";
        }
    }
}
