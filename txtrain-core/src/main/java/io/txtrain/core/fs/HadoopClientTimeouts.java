package io.txtrain.core.fs;

import java.util.Map;

import org.apache.hadoop.conf.Configuration;

/**
 * Bounded defaults for Hadoop's RPC client, so that a NameNode that does not exist, refuses
 * connections or accepts them and never answers fails a call within about a minute instead of
 * hanging (Hadoop's own default waits for an RPC answer forever). A key set by the user (in
 * core-site.xml, {@code spark.hadoop.*} or the Configuration) is left as it is.
 *
 * <p>Bound: refused connections are retried 10 times, 1 s apart (about 10 s); an unanswered
 * connection attempt gives up after 3 tries of 10 s; an unanswered call after 20 s.
 */
public final class HadoopClientTimeouts {
    /** Keys and the values txtrain uses when the user has not set them. */
    public static final Map<String, String> DEFAULTS = Map.of(
            "ipc.client.connect.timeout", "10000",
            "ipc.client.connect.max.retries.on.timeouts", "2",
            "ipc.client.rpc-timeout.ms", "20000");

    private HadoopClientTimeouts() {
    }

    /** A copy of {@code conf} with txtrain's defaults for the keys the user has not set. */
    public static Configuration apply(Configuration conf) {
        Configuration copy = new Configuration(conf);
        DEFAULTS.forEach((key, value) -> {
            if (!userSet(conf, key)) {
                copy.set(key, value, "txtrain default (HadoopClientTimeouts)");
            }
        });
        return copy;
    }

    private static boolean userSet(Configuration conf, String key) {
        String[] sources = conf.getPropertySources(key);
        if (sources == null) {
            return false;
        }
        for (String s : sources) {
            if (!s.endsWith("-default.xml")) {
                return true;
            }
        }
        return false;
    }
}
