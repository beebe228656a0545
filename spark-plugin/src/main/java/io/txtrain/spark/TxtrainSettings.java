package io.txtrain.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.apache.spark.SparkConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.lease.LeaseSettings;
import io.txtrain.core.policy.AdaptivePolicySettings;
import io.txtrain.core.policy.CheckpointPolicies;
import io.txtrain.core.policy.CheckpointPolicy;
import io.txtrain.core.policy.Durations;
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
    /** What a replayed round that differs from its record does when the environment changed: continue | fail. */
    public static final String ON_ENVIRONMENT_CHANGE = PREFIX + "replay.onEnvironmentChange";
    /** Largest state (parameters and updater, bytes) whose rounds are logged physically; 0 = never. */
    public static final String PHYSICAL_REDO_MAX_BYTES = PREFIX + "redo.physicalMaxBytes";
    /** Largest share of a round's time its physical logging may cost before it is paused. */
    public static final String PHYSICAL_REDO_MAX_SHARE = PREFIX + "redo.physicalMaxShare";
    /** Test only: facts replacing the executors' measured environment fingerprint (key=value,...). */
    public static final String TEST_ENVIRONMENT = PREFIX + "test.environment";
    public static final String PERMISSION = PREFIX + "dir.permission";
    public static final String SEGMENT_BYTES = PREFIX + "log.segmentBytes";
    public static final String LEASE_HEARTBEAT = PREFIX + "lease.heartbeat";
    public static final String LEASE_TIMEOUT = PREFIX + "lease.timeout";
    public static final String LEASE_ACQUIRE_WAIT = PREFIX + "lease.acquireWait";
    public static final String FAIL_TASKS = PREFIX + "test.failTasks";
    /** How often each executor samples its load and reports it to the driver (txtrain plugin). */
    public static final String MONITOR_INTERVAL = PREFIX + "monitor.interval";
    /** How far back the driver's load windows reach (txtrain plugin). */
    public static final String MONITOR_WINDOW = PREFIX + "monitor.window";
    /** Whether executors query nvidia-smi for GPU utilisation and memory (txtrain plugin). */
    public static final String MONITOR_GPU = PREFIX + "monitor.gpu";
    /** Longest wait for one nvidia-smi query before it is killed and the sample omits GPU fields. */
    public static final String MONITOR_GPU_TIMEOUT = PREFIX + "monitor.gpuTimeout";
    /** Shortest accepted {@link #MONITOR_INTERVAL}. */
    public static final Duration MIN_MONITOR_INTERVAL = Duration.ofMillis(100);
    public static final String DEFAULT_UNMONITORED_POLICY = "every-rounds:10";

    /**
     * Every known key under the prefix: the trainer's, the plugin's monitoring keys and the
     * adaptive policy's. The one list; {@code conf/spark-defaults.conf.template} documents each.
     */
    public static final Set<String> KEYS = Set.of(DIR, POLICY, RETAIN, MAX_ATTEMPTS, EXECUTOR_WAIT,
            ACCEPT_REPLAY_MISMATCH, PERMISSION, SEGMENT_BYTES, LEASE_HEARTBEAT, LEASE_TIMEOUT, LEASE_ACQUIRE_WAIT,
            FAIL_TASKS, ON_ENVIRONMENT_CHANGE, PHYSICAL_REDO_MAX_BYTES, PHYSICAL_REDO_MAX_SHARE, TEST_ENVIRONMENT,
            MONITOR_INTERVAL, MONITOR_WINDOW, MONITOR_GPU, MONITOR_GPU_TIMEOUT,
            AdaptivePolicySettings.OVERHEAD_BUDGET, AdaptivePolicySettings.MTBF_PRIOR,
            AdaptivePolicySettings.MTBF_PRIOR_WEIGHT, AdaptivePolicySettings.BURST_WINDOW,
            AdaptivePolicySettings.MIN_INTERVAL, AdaptivePolicySettings.MAX_INTERVAL, AdaptivePolicySettings.SATURATION,
            AdaptivePolicySettings.DEFER_SLACK, AdaptivePolicySettings.EPOCH_EARLY_FRACTION,
            AdaptivePolicySettings.INITIAL_COST);

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
        policy(true, 0);
        maxAttempts();
        executorWait();
        acceptReplayMismatch();
        continueOnEnvironmentChange();
        physicalRedoMaxBytes();
        physicalRedoMaxShare();
        core();
        monitorWindow();
        monitorGpu();
        monitorGpuTimeout();
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

    /**
     * The checkpoint policy. Unset, it is {@code adaptive} when the plugin provides monitoring and
     * {@code every-rounds:10} otherwise.
     */
    public CheckpointPolicy policy(boolean monitored, long nowMillis) {
        Map<String, String> v = new TreeMap<>(values);
        v.putIfAbsent(POLICY, monitored ? "adaptive" : DEFAULT_UNMONITORED_POLICY);
        return CheckpointPolicies.fromConf(v, nowMillis);
    }

    public boolean policyExplicit() {
        return values.containsKey(POLICY);
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

    /**
     * Whether a replayed round whose result differs from its record continues (a change of
     * lineage is logged) when the environment fingerprint differs: {@code continue} (default) or
     * {@code fail}. With the same environment a difference always fails, unless
     * {@link #ACCEPT_REPLAY_MISMATCH} is true.
     */
    public boolean continueOnEnvironmentChange() {
        String s = values.getOrDefault(ON_ENVIRONMENT_CHANGE, "continue").trim();
        if (s.equalsIgnoreCase("continue") || s.equalsIgnoreCase("fail")) {
            return s.equalsIgnoreCase("continue");
        }
        throw new IllegalArgumentException(ON_ENVIRONMENT_CHANGE + " = '" + s + "': expected continue | fail");
    }

    /** State size up to which rounds are logged physically: bytes, or with k|m|g; default 0 (off). */
    public long physicalRedoMaxBytes() {
        String s = values.get(PHYSICAL_REDO_MAX_BYTES);
        if (s == null) {
            return 0;
        }
        String t = s.trim().toLowerCase(java.util.Locale.ROOT);
        long unit = t.endsWith("k") ? 1L << 10 : t.endsWith("m") ? 1L << 20 : t.endsWith("g") ? 1L << 30 : 1;
        try {
            long v = Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // error below
        }
        throw new IllegalArgumentException(PHYSICAL_REDO_MAX_BYTES + " = '" + s
                + "': expected a size >= 0 in bytes, or with k|m|g (e.g. 8m); 0 = off");
    }

    /** Share of a round's time physical logging may take before it pauses: default 0.1, in (0, 1]. */
    public double physicalRedoMaxShare() {
        String s = values.get(PHYSICAL_REDO_MAX_SHARE);
        if (s == null) {
            return 0.1;
        }
        try {
            double v = Double.parseDouble(s.trim());
            if (v > 0 && v <= 1) {
                return v;
            }
        } catch (NumberFormatException e) {
            // error below
        }
        throw new IllegalArgumentException(PHYSICAL_REDO_MAX_SHARE + " = '" + s + "': expected a number in (0, 1]");
    }

    /** Executor sampling interval: default 1 s, at least {@link #MIN_MONITOR_INTERVAL}. */
    public Duration monitorInterval() {
        Duration d = duration(MONITOR_INTERVAL, Duration.ofSeconds(1), true);
        if (d.compareTo(MIN_MONITOR_INTERVAL) < 0) {
            throw new IllegalArgumentException(MONITOR_INTERVAL + " = '" + values.get(MONITOR_INTERVAL)
                    + "': expected a duration >= " + MIN_MONITOR_INTERVAL.toMillis() + "ms, " + Durations.FORMS);
        }
        return d;
    }

    /** Driver-side load window: default 60 s, at least the sampling interval. */
    public Duration monitorWindow() {
        Duration interval = monitorInterval();
        Duration d = duration(MONITOR_WINDOW, Duration.ofSeconds(60), true);
        if (d.compareTo(interval) < 0) {
            throw new IllegalArgumentException(MONITOR_WINDOW + " = '" + values.get(MONITOR_WINDOW)
                    + "': expected a duration >= " + MONITOR_INTERVAL + " (" + interval.toMillis() + "ms), "
                    + Durations.FORMS);
        }
        return d;
    }

    /** Whether executors probe GPUs with nvidia-smi: default true. */
    public boolean monitorGpu() {
        return bool(MONITOR_GPU, true);
    }

    /** Time limit of one nvidia-smi query: default 2 s. */
    public Duration monitorGpuTimeout() {
        return duration(MONITOR_GPU_TIMEOUT, Duration.ofSeconds(2), true);
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

    /**
     * Logs a warning for each key under the prefix that no component reads.
     *
     * @return the unknown keys, sorted
     */
    public List<String> warnUnknown(Set<String> otherKnown) {
        List<String> unknown = new ArrayList<>();
        for (String k : values.keySet()) {
            if (!KEYS.contains(k) && !otherKnown.contains(k)) {
                unknown.add(k);
                LOG.warn("unknown configuration key {} (ignored); known keys are listed in conf/spark-defaults.conf.template", k);
            }
        }
        return unknown;
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

    /** Durations as {@link Durations} parses them (plain numbers are seconds). */
    static Duration parseDuration(String key, String s, boolean positive) {
        double sec = Durations.parseSeconds(s);
        if (Double.isFinite(sec) && sec >= 0 && (!positive || sec > 0)) {
            return Duration.ofMillis(Math.round(sec * 1000));
        }
        throw new IllegalArgumentException(key + " = '" + s + "': expected a duration " + (positive ? "> 0" : ">= 0")
                + ", " + Durations.FORMS);
    }

    private Duration duration(String key, Duration def, boolean positive) {
        String s = values.get(key);
        return s == null ? def : parseDuration(key, s, positive);
    }
}
