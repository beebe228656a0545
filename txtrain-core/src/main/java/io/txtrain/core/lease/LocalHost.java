package io.txtrain.core.lease;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * This machine's host name, as recorded in leases. The system property {@code txtrain.lease.host}
 * replaces it; it exists for tests that play a driver restarted on another host, and must never be
 * set to another machine's name in production (a lease's holder is provably dead only on its own host).
 */
final class LocalHost {
    static final String OVERRIDE_PROPERTY = "txtrain.lease.host";
    private static final String NAME = System.getProperty(OVERRIDE_PROPERTY, resolve());

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
