package io.txtrain.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.SparkConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.config.TxtrainConfig;
import io.txtrain.core.lease.LeaseSettings;
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
    public static final String PREFIX = TxtrainConfig.PREFIX;
    public static final String DIR = TxtrainConfig.DIR.key();
    public static final String POLICY = TxtrainConfig.POLICY.key();
    public static final String RETAIN = TxtrainConfig.RETAIN.key();
    public static final String MAX_ATTEMPTS = TxtrainConfig.MAX_ATTEMPTS.key();
    public static final String EXECUTOR_WAIT = TxtrainConfig.EXECUTOR_WAIT.key();
    public static final String ACCEPT_REPLAY_MISMATCH = TxtrainConfig.ACCEPT_REPLAY_MISMATCH.key();
    public static final String PERMISSION = TxtrainConfig.PERMISSION.key();
    public static final String SEGMENT_BYTES = TxtrainConfig.SEGMENT_BYTES.key();
    public static final String LEASE_HEARTBEAT = TxtrainConfig.LEASE_HEARTBEAT.key();
    public static final String LEASE_TIMEOUT = TxtrainConfig.LEASE_TIMEOUT.key();
    public static final String LEASE_ACQUIRE_WAIT = TxtrainConfig.LEASE_ACQUIRE_WAIT.key();
    public static final String FAIL_TASKS = TxtrainConfig.FAIL_TASKS.key();
    public static final String MONITOR_INTERVAL = TxtrainConfig.MONITOR_INTERVAL.key();
    public static final String MONITOR_WINDOW = TxtrainConfig.MONITOR_WINDOW.key();
    public static final String MONITOR_GPU = TxtrainConfig.MONITOR_GPU.key();
    public static final String MONITOR_GPU_TIMEOUT = TxtrainConfig.MONITOR_GPU_TIMEOUT.key();
    public static final String ON_ENVIRONMENT_CHANGE = TxtrainConfig.ON_ENVIRONMENT_CHANGE.key();
    public static final String PHYSICAL_REDO_MAX_BYTES = TxtrainConfig.PHYSICAL_REDO_MAX_BYTES.key();
    public static final String PHYSICAL_REDO_MAX_SHARE = TxtrainConfig.PHYSICAL_REDO_MAX_SHARE.key();
    public static final String TEST_ENVIRONMENT = TxtrainConfig.TEST_ENVIRONMENT.key();
    public static final String MONITOR_NOTICES = TxtrainConfig.MONITOR_NOTICES.key();
    public static final String HOLD_HEAP = TxtrainConfig.HOLD_HEAP.key();
    public static final String DEFAULT_UNMONITORED_POLICY = "every-rounds:10";

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

    /**
     * Checks every key and parses every known value, so a misspelled key or a bad value fails now
     * rather than mid-training.
     *
     * @throws IllegalArgumentException naming an unknown key and the closest valid one (unless
     *     {@code spark.txtrain.conf.allowUnknownKeys=true}), or a bad value with its key
     */
    public TxtrainSettings validate() {
        checkKeys();
        policy(true, 0);
        maxAttempts();
        executorWait();
        acceptReplayMismatch();
        core();
        monitorWindow();
        monitorGpu();
        monitorGpuTimeout();
        monitorNotices();
        io.txtrain.core.policy.HazardSettings.fromConf(values);
        continueOnEnvironmentChange();
        physicalRedoMaxBytes();
        physicalRedoMaxShare();
        aggregation();
        return this;
    }

    public String get(String key) {
        return values.get(key);
    }

    public String checkpointDir() {
        String d = TxtrainConfig.DIR.get(values);
        if (d == null) {
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
        TxtrainConfig.POLICY.get(v);
        v.putIfAbsent(POLICY, monitored ? "adaptive" : DEFAULT_UNMONITORED_POLICY);
        return CheckpointPolicies.fromConf(v, nowMillis);
    }

    public boolean policyExplicit() {
        return TxtrainConfig.POLICY.isSet(values);
    }

    public int maxAttempts() {
        return TxtrainConfig.MAX_ATTEMPTS.get(values);
    }

    public Duration executorWait() {
        return TxtrainConfig.EXECUTOR_WAIT.get(values);
    }

    public boolean acceptReplayMismatch() {
        return TxtrainConfig.ACCEPT_REPLAY_MISMATCH.get(values);
    }

    /** Executor sampling interval: default 1 s, at least 100 ms. */
    public Duration monitorInterval() {
        return TxtrainConfig.MONITOR_INTERVAL.get(values);
    }

    /** Driver-side load window: default 60 s, at least the sampling interval. */
    public Duration monitorWindow() {
        Duration interval = monitorInterval();
        Duration d = TxtrainConfig.MONITOR_WINDOW.get(values);
        if (d.compareTo(interval) < 0) {
            throw new IllegalArgumentException(MONITOR_WINDOW + " = '" + values.get(MONITOR_WINDOW)
                    + "': expected a duration >= " + MONITOR_INTERVAL + " (" + interval.toMillis() + "ms), "
                    + Durations.FORMS);
        }
        return d;
    }

    /** Whether executors probe GPUs with nvidia-smi: default true. */
    public boolean monitorGpu() {
        return TxtrainConfig.MONITOR_GPU.get(values);
    }

    /**
     * Whether a replayed round whose result differs from its record continues (a change of
     * lineage is logged) when the environment fingerprint differs: {@code continue} (default) or
     * {@code fail}. With the same environment a difference always fails, unless
     * {@link #ACCEPT_REPLAY_MISMATCH} is true.
     */
    public boolean continueOnEnvironmentChange() {
        return TxtrainConfig.ON_ENVIRONMENT_CHANGE.get(values).equalsIgnoreCase("continue");
    }

    /** State size up to which rounds are logged physically, in bytes; default 0 (off). */
    public long physicalRedoMaxBytes() {
        return TxtrainConfig.PHYSICAL_REDO_MAX_BYTES.get(values);
    }

    /** Share of a round's time physical logging may take before it pauses: default 0.1, in (0, 1]. */
    public double physicalRedoMaxShare() {
        return TxtrainConfig.PHYSICAL_REDO_MAX_SHARE.get(values);
    }

    /** Where rounds are averaged: {@code driver}, {@code executors} or {@code auto} (default), lower case. */
    public String aggregation() {
        return TxtrainConfig.AGGREGATION.get(values).toLowerCase(java.util.Locale.ROOT);
    }

    /** With executor averaging, the bytes of state one task averages ({@code spark.txtrain.aggregation.sliceBytes}): default 8 MiB. */
    public long aggregationSliceBytes() {
        return TxtrainConfig.AGGREGATION_SLICE_BYTES.get(values);
    }

    /** Which states the driver keeps off its Java heap: {@code auto} (default), {@code always} or {@code never}, lower case. */
    public String driverStateOffHeap() {
        return TxtrainConfig.DRIVER_STATE_OFF_HEAP.get(values).toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether consecutive rounds may run as one Spark job ({@code spark.txtrain.round.stream}): default true. */
    public boolean roundStream() {
        return TxtrainConfig.ROUND_STREAM.get(values);
    }

    /** Whether executors announce that they are going away: default true. */
    public boolean monitorNotices() {
        return TxtrainConfig.MONITOR_NOTICES.get(values);
    }

    /** Time limit of one nvidia-smi query: default 2 s. */
    public Duration monitorGpuTimeout() {
        return TxtrainConfig.MONITOR_GPU_TIMEOUT.get(values);
    }

    public CoreSettings core() {
        LeaseSettings lease = new LeaseSettings(TxtrainConfig.LEASE_HEARTBEAT.get(values),
                TxtrainConfig.LEASE_TIMEOUT.get(values), TxtrainConfig.LEASE_ACQUIRE_WAIT.get(values));
        return new CoreSettings(TxtrainConfig.PERMISSION.get(values), TxtrainConfig.RETAIN.get(values),
                TxtrainConfig.SEGMENT_BYTES.get(values), lease);
    }

    /**
     * Fails on keys under the prefix that txtrain does not declare, naming the closest declared
     * key; with {@code spark.txtrain.conf.allowUnknownKeys=true} it logs a warning for each instead.
     *
     * @return the unknown keys, sorted (empty unless unknown keys are allowed)
     */
    public List<String> checkKeys() {
        Map<String, String> unknown = TxtrainConfig.unknownKeys(values.keySet());
        if (unknown.isEmpty()) {
            return List.of();
        }
        boolean allow = TxtrainConfig.ALLOW_UNKNOWN_KEYS.get(values);
        List<String> lines = new ArrayList<>();
        unknown.forEach((k, near) -> lines.add("unknown configuration key " + k
                + (near == null ? "" : " (did you mean " + near + "?)")));
        String where = "; every key is listed in conf/spark-defaults.conf.template";
        if (!allow) {
            throw new IllegalArgumentException(String.join("; ", lines) + where + ". Set "
                    + TxtrainConfig.ALLOW_UNKNOWN_KEYS.key() + "=true to only warn.");
        }
        for (String l : lines) {
            LOG.warn("{} (ignored, {}=true){}", l, TxtrainConfig.ALLOW_UNKNOWN_KEYS.key(), where);
        }
        return new ArrayList<>(unknown.keySet());
    }
}
