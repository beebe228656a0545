package io.txtrain.spark;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.spark.SparkConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.lease.LeaseSettings;
import io.txtrain.core.recovery.CoreSettings;

/**
 * The recovery options of a txtrain job, from the SparkConf ({@code spark.txtrain.*}) with
 * explicit builder values taking precedence. Invalid values fail with the key, the value and
 * what is allowed.
 */
public final class TxtrainSettings {
    private static final Logger LOG = LoggerFactory.getLogger(TxtrainSettings.class);
    public static final String PREFIX = "spark.txtrain.";
    public static final String DIR = PREFIX + "checkpoint.dir";
    public static final String POLICY = PREFIX + "checkpoint.policy";
    public static final String RETAIN = PREFIX + "checkpoint.retain";
    public static final String MAX_ATTEMPTS = PREFIX + "round.maxAttempts";
    public static final String EXECUTOR_WAIT = PREFIX + "round.executorWait";
    public static final String ACCEPT_REPLAY_MISMATCH = PREFIX + "replay.acceptMismatch";
    public static final String PERMISSION = PREFIX + "dir.permission";
    public static final String SEGMENT_BYTES = PREFIX + "log.segmentBytes";
    public static final String LEASE_HEARTBEAT = PREFIX + "lease.heartbeat";
    public static final String LEASE_TIMEOUT = PREFIX + "lease.timeout";
    public static final String LEASE_ACQUIRE_WAIT = PREFIX + "lease.acquireWait";
    public static final String FAIL_TASKS = PREFIX + "test.failTasks";

    /** Keys this class reads; others under the prefix belong to the plugin or are unknown. */
    static final Set<String> KEYS = Set.of(DIR, POLICY, RETAIN, MAX_ATTEMPTS, EXECUTOR_WAIT, ACCEPT_REPLAY_MISMATCH,
            PERMISSION, SEGMENT_BYTES, LEASE_HEARTBEAT, LEASE_TIMEOUT, LEASE_ACQUIRE_WAIT, FAIL_TASKS);

    private final Map<String, String> values;

    private TxtrainSettings(Map<String, String> values) {
        this.values = values;
    }

    /** SparkConf values overlaid with explicit ones (explicit wins). */
    public static TxtrainSettings from(SparkConf conf, Map<String, String> explicit) {
        Map<String, String> v = new TreeMap<>();
        for (scala.Tuple2<String, String> kv : conf.getAllWithPrefix(PREFIX)) {
            v.put(PREFIX + kv._1(), kv._2());
        }
        v.putAll(explicit);
        return new TxtrainSettings(v);
    }

    public static TxtrainSettings of(Map<String, String> values) {
        return new TxtrainSettings(new TreeMap<>(values));
    }

    /** Parses every known value, so a bad one fails now rather than mid-training. */
    public TxtrainSettings validate() {
        checkpointEveryRounds();
        maxAttempts();
        executorWait();
        acceptReplayMismatch();
        core();
        return this;
    }

    public String get(String key) {
        return values.get(key);
    }

    public String checkpointDir() {
        String d = values.get(DIR);
        if (d == null || d.isBlank()) {
            throw new IllegalArgumentException(DIR + " is not set: give the checkpoint directory URI"
                    + " (hdfs://... on a cluster, file:///... or a local path for local mode)"
                    + " with --conf " + DIR + "=<uri> or the training master builder's checkpointDirectory(...)");
        }
        return d;
    }

    /** Rounds between checkpoints for the fixed policy; 0 means off. */
    public int checkpointEveryRounds() {
        String p = values.getOrDefault(POLICY, "every-rounds:10").trim();
        if (p.equals("off")) {
            return 0;
        }
        if (p.startsWith("every-rounds:")) {
            try {
                int n = Integer.parseInt(p.substring("every-rounds:".length()));
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // fall through to the error
            }
        }
        throw new IllegalArgumentException(POLICY + " = '" + p + "': expected every-rounds:N (N >= 1) | off");
    }

    public int maxAttempts() {
        return intAtLeast(MAX_ATTEMPTS, 3, 1);
    }

    public Duration executorWait() {
        return duration(EXECUTOR_WAIT, Duration.ofSeconds(120), false);
    }

    public boolean acceptReplayMismatch() {
        return bool(ACCEPT_REPLAY_MISMATCH, false);
    }

    public CoreSettings core() {
        CoreSettings d = CoreSettings.DEFAULTS;
        String perm = values.getOrDefault(PERMISSION, "700");
        short p;
        try {
            p = Short.parseShort(perm, 8);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PERMISSION + " = '" + perm + "': expected an octal mode such as 700 or 750");
        }
        LeaseSettings ls = LeaseSettings.DEFAULTS;
        LeaseSettings lease = new LeaseSettings(duration(LEASE_HEARTBEAT, ls.heartbeat(), true),
                duration(LEASE_TIMEOUT, ls.timeout(), true), duration(LEASE_ACQUIRE_WAIT, ls.acquireWait(), false));
        long seg = longAtLeast(SEGMENT_BYTES, d.segmentBytes(), 4096);
        return new CoreSettings(p, intAtLeast(RETAIN, d.retain(), 1), seg, lease);
    }

    /** Logs a warning for each key under the prefix that no component reads. */
    public void warnUnknown(Set<String> otherKnown) {
        for (String k : values.keySet()) {
            if (!KEYS.contains(k) && !otherKnown.contains(k)) {
                LOG.warn("unknown configuration key {} (ignored); known keys are listed in conf/spark-defaults.conf.template", k);
            }
        }
    }

    private int intAtLeast(String key, int def, int min) {
        return (int) longAtLeast(key, def, min);
    }

    private long longAtLeast(String key, long def, long min) {
        String s = values.get(key);
        if (s == null) {
            return def;
        }
        try {
            long v = Long.parseLong(s.trim());
            if (v >= min) {
                return v;
            }
        } catch (NumberFormatException e) {
            // error below
        }
        throw new IllegalArgumentException(key + " = '" + s + "': expected an integer >= " + min);
    }

    private boolean bool(String key, boolean def) {
        String s = values.get(key);
        if (s == null) {
            return def;
        }
        if (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(s.trim());
        }
        throw new IllegalArgumentException(key + " = '" + s + "': expected true | false");
    }

    /** Durations: a number with unit ms, s, m or h (plain numbers are seconds). */
    static Duration parseDuration(String key, String s, boolean positive) {
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            Duration d;
            if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 1000));
            } else if (t.endsWith("m")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 60_000));
            } else if (t.endsWith("h")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1)) * 3_600_000));
            } else {
                d = Duration.ofMillis(Math.round(Double.parseDouble(t) * 1000));
            }
            if (!d.isNegative() && (!positive || !d.isZero())) {
                return d;
            }
        } catch (NumberFormatException e) {
            // error below
        }
        throw new IllegalArgumentException(key + " = '" + s + "': expected a duration " + (positive ? "> 0" : ">= 0")
                + " such as 500ms, 30s, 5m or 1h");
    }

    private Duration duration(String key, Duration def, boolean positive) {
        String s = values.get(key);
        return s == null ? def : parseDuration(key, s, positive);
    }
}
