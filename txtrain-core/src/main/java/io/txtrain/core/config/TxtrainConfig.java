package io.txtrain.core.config;

import static io.txtrain.core.config.ConfigBuilder.conf;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.txtrain.core.policy.PolicySpec;

/**
 * Every {@code spark.txtrain.*} key, declared once: name, type, default, validation and
 * documentation. {@code conf/spark-defaults.conf.template} and the README's configuration table are
 * generated from these declarations ({@link ConfigDocs}) and a test keeps them equal.
 */
public final class TxtrainConfig {
    public static final String PREFIX = "spark.txtrain.";
    private static final List<ConfigEntry<?>> ENTRIES = new ArrayList<>();

    static final String DIR_SECTION = "Checkpoint directory and log";
    static final String POLICY_SECTION = "Checkpoint policy";
    static final String ROUNDS_SECTION = "Rounds and replay";
    static final String LEASE_SECTION = "Writer lease (one live driver per checkpoint directory)";
    static final String MONITOR_SECTION = "Plugin: executor load monitoring, failure tracking, metrics";
    static final String HAZARD_SECTION = "Hazard from executor health and notices (adaptive policy, with the plugin)";
    static final String CONF_SECTION = "Configuration checks";

    // --- checkpoint directory and log
    public static final ConfigEntry<String> DIR = conf(PREFIX + "checkpoint.dir").section(DIR_SECTION)
            .doc("Checkpoint directory URI (hdfs://... on a cluster, file:///... or a path locally); required.")
            .string("a URI", s -> !s.isBlank(), null, "hdfs:///txtrain/my-run");
    public static final ConfigEntry<Short> PERMISSION = conf(PREFIX + "dir.permission").section(DIR_SECTION)
            .doc("Permission of the directories txtrain creates, octal.")
            .octalMode((short) 0700);
    public static final ConfigEntry<Integer> RETAIN = conf(PREFIX + "checkpoint.retain").section(DIR_SECTION)
            .doc("Published checkpoints kept; older ones and the log they cover are deleted.")
            .intAtLeast(1, 2);
    public static final ConfigEntry<Long> SEGMENT_BYTES = conf(PREFIX + "log.segmentBytes").section(DIR_SECTION)
            .doc("Size at which the round log starts a new segment.")
            .bytesAtLeast(4096, 64L << 20, "64m");

    // --- checkpoint policy
    public static final ConfigEntry<String> POLICY = conf(PREFIX + "checkpoint.policy").section(POLICY_SECTION)
            .doc("When to checkpoint; unset = adaptive with the plugin, every-rounds:10 without.")
            .string(PolicySpec.FORMS, s -> PolicySpec.parse(PREFIX + "checkpoint.policy", s) != null, null,
                    "adaptive");
    public static final ConfigEntry<Double> OVERHEAD_BUDGET = conf(PREFIX + "checkpoint.overheadBudget")
            .section(POLICY_SECTION)
            .doc("Adaptive: share of wall time checkpoint stalls may take while no failure is observed.")
            .number("a fraction in (0, 1)", v -> v > 0 && v < 1, 0.01);
    public static final ConfigEntry<Duration> MIN_INTERVAL = conf(PREFIX + "checkpoint.minInterval")
            .section(POLICY_SECTION).doc("Adaptive: lower bound of the checkpoint interval.")
            .duration(Duration.ZERO, true, Duration.ofSeconds(10), "10s");
    public static final ConfigEntry<Duration> MAX_INTERVAL = conf(PREFIX + "checkpoint.maxInterval")
            .section(POLICY_SECTION).doc("Adaptive: upper bound of the checkpoint interval (>= minInterval).")
            .duration(Duration.ZERO, true, Duration.ofHours(1), "1h");
    public static final ConfigEntry<Double> SATURATION = conf(PREFIX + "checkpoint.saturation")
            .section(POLICY_SECTION).doc("Adaptive: cluster load at or above which a due checkpoint is deferred.")
            .number("a fraction in (0, 1]", v -> v > 0 && v <= 1, 0.9);
    public static final ConfigEntry<Double> DEFER_SLACK = conf(PREFIX + "checkpoint.deferSlack")
            .section(POLICY_SECTION)
            .doc("Adaptive: how far past the interval a deferral may go, as a fraction of the interval.")
            .number("a number >= 0 (fraction of the interval)", v -> v >= 0, 0.25);
    public static final ConfigEntry<Double> EPOCH_EARLY_FRACTION = conf(PREFIX + "checkpoint.epochEarlyFraction")
            .section(POLICY_SECTION)
            .doc("Adaptive: share of the interval after which an epoch boundary triggers an early checkpoint.")
            .number("a fraction in (0, 1]", v -> v > 0 && v <= 1, 0.5);
    public static final ConfigEntry<Duration> INITIAL_COST = conf(PREFIX + "checkpoint.initialCost")
            .section(POLICY_SECTION).doc("Adaptive: checkpoint stall assumed until one has been measured.")
            .duration(Duration.ZERO, true, Duration.ofSeconds(10), "10s");
    public static final ConfigEntry<Duration> MTBF_PRIOR = conf(PREFIX + "mtbf.prior").section(POLICY_SECTION)
            .doc("Adaptive: MTBF assumed before any failure is observed.")
            .duration(Duration.ZERO, true, Duration.ofHours(6), "6h");
    public static final ConfigEntry<Double> MTBF_PRIOR_WEIGHT = conf(PREFIX + "mtbf.priorWeight")
            .section(POLICY_SECTION).doc("Adaptive: how many prior-length failure-free stretches the prior is worth.")
            .number("a number > 0", v -> v > 0, 1);
    public static final ConfigEntry<Duration> BURST_WINDOW = conf(PREFIX + "mtbf.burstWindow").section(POLICY_SECTION)
            .doc("Adaptive: failures this close to an event's first failure count as the same event.")
            .duration(Duration.ZERO, false, Duration.ofSeconds(60), "60s");

    // --- rounds and replay
    public static final ConfigEntry<Integer> MAX_ATTEMPTS = conf(PREFIX + "round.maxAttempts").section(ROUNDS_SECTION)
            .doc("Attempts of one round (a failed Spark job aborts the attempt) before the job fails.")
            .intAtLeast(1, 3);
    public static final ConfigEntry<Duration> EXECUTOR_WAIT = conf(PREFIX + "round.executorWait")
            .section(ROUNDS_SECTION).doc("How long an aborted round waits for executors to come back before retrying.")
            .duration(Duration.ZERO, false, Duration.ofSeconds(120), "120s");
    public static final ConfigEntry<Boolean> ACCEPT_REPLAY_MISMATCH = conf(PREFIX + "replay.acceptMismatch")
            .section(ROUNDS_SECTION).doc("Continue when a replayed round does not reproduce its logged checksum.")
            .bool(false);

    public static final ConfigEntry<String> ON_ENVIRONMENT_CHANGE = conf(PREFIX + "replay.onEnvironmentChange")
            .section(ROUNDS_SECTION)
            .doc("What a replayed round that differs from its record does when the numeric environment changed"
                    + " (CPU, BLAS, ND4J backend): continue records a change of lineage and goes on; fail stops."
                    + " In the same environment a difference always fails, unless replay.acceptMismatch.")
            .string("continue | fail", s -> s.equalsIgnoreCase("continue") || s.equalsIgnoreCase("fail"), "continue",
                    "continue");
    public static final ConfigEntry<String> AGGREGATION = conf(PREFIX + "aggregation").section(ROUNDS_SECTION)
            .doc("Where a round's worker states are averaged: driver collects them all; executors averages them on"
                    + " the executors (in slices, see aggregation.sliceBytes), so the driver receives one state; auto"
                    + " = executors when not in local mode and workers x state >= 64 MiB. Same summation order, so"
                    + " the same bits, either way.")
            .string("driver | executors | auto", s -> s.equalsIgnoreCase("driver") || s.equalsIgnoreCase("executors")
                    || s.equalsIgnoreCase("auto"), "auto", "auto");
    public static final ConfigEntry<Long> AGGREGATION_SLICE_BYTES = conf(PREFIX + "aggregation.sliceBytes")
            .section(ROUNDS_SECTION)
            .doc("With executor averaging, how much of the state one task averages: the state is cut into slices of"
                    + " about this size (at most 1024), averaged by as many tasks in parallel, and the driver receives"
                    + " the mean slice by slice, never a whole serialized copy. The same bits for any size.")
            .bytesAtLeast(1, 8L << 20, "8m");
    public static final ConfigEntry<String> DRIVER_STATE_OFF_HEAP = conf(PREFIX + "driver.stateOffHeap")
            .section(ROUNDS_SECTION)
            .doc("Whether the driver keeps the model states it holds on to (the committed parameters and updater"
                    + " state, each round's mean, a restored checkpoint) off its Java heap, in direct memory"
                    + " (bounded by -XX:MaxDirectMemorySize, by default the maximum heap; on YARN and Kubernetes"
                    + " count it in spark.driver.memoryOverhead): auto = states of at least 16 MiB; always; never."
                    + " Worker results stay on the heap. The same bits either way.")
            .string("auto | always | never", s -> s.equalsIgnoreCase("auto") || s.equalsIgnoreCase("always")
                    || s.equalsIgnoreCase("never"), "auto", "auto");
    public static final ConfigEntry<Boolean> ROUND_STREAM = conf(PREFIX + "round.stream").section(ROUNDS_SECTION)
            .doc("Run up to 8 consecutive rounds as one Spark job whose tasks stay and exchange each round's state"
                    + " with the driver (local mode, or executors with the txtrain plugin and a state of at most"
                    + " 16 MiB; averaged on the driver; a task slot per worker). false: one Spark job per round."
                    + " The same bits either way.")
            .bool(true);
    public static final ConfigEntry<Long> PHYSICAL_REDO_MAX_BYTES = conf(PREFIX + "redo.physicalMaxBytes")
            .section(ROUNDS_SECTION)
            .doc("Largest state (parameters and updater) whose rounds are also logged physically, so recovery"
                    + " restores them without Spark jobs and exactly on any hardware; 0 = never.")
            .bytesAtLeast(0, 0L, "0");
    public static final ConfigEntry<Double> PHYSICAL_REDO_MAX_SHARE = conf(PREFIX + "redo.physicalMaxShare")
            .section(ROUNDS_SECTION)
            .doc("Largest share of a round's time its physical logging may cost before it pauses for 10 rounds.")
            .number("a number in (0, 1]", v -> v > 0 && v <= 1, 0.1);

    // --- writer lease
    public static final ConfigEntry<Duration> LEASE_HEARTBEAT = conf(PREFIX + "lease.heartbeat").section(LEASE_SECTION)
            .doc("How often the driver refreshes its lease.")
            .duration(Duration.ZERO, true, Duration.ofSeconds(5), "5s");
    public static final ConfigEntry<Duration> LEASE_TIMEOUT = conf(PREFIX + "lease.timeout").section(LEASE_SECTION)
            .doc("Age after which a lease not refreshed is stale and may be taken over.")
            .duration(Duration.ZERO, true, Duration.ofSeconds(30), "30s");
    public static final ConfigEntry<Duration> LEASE_ACQUIRE_WAIT = conf(PREFIX + "lease.acquireWait")
            .section(LEASE_SECTION).doc("How long a new driver keeps waiting for a live holder (one whose heartbeat it"
                    + " sees advance) before failing; a holder whose heartbeat has stopped (a driver restarted on"
                    + " another host) is always waited out, up to lease.timeout.")
            .duration(Duration.ZERO, false, Duration.ZERO, "0s");

    // --- plugin monitoring
    public static final ConfigEntry<Duration> MONITOR_INTERVAL = conf(PREFIX + "monitor.interval")
            .section(MONITOR_SECTION).doc("How often each executor samples CPU, heap, GC, running tasks and GPUs.")
            .duration(Duration.ofMillis(100), true, Duration.ofSeconds(1), "1s");
    public static final ConfigEntry<Duration> MONITOR_WINDOW = conf(PREFIX + "monitor.window").section(MONITOR_SECTION)
            .doc("How far back the driver's per-executor and cluster load windows reach (>= the interval).")
            .duration(Duration.ZERO, true, Duration.ofSeconds(60), "60s");
    public static final ConfigEntry<Boolean> MONITOR_GPU = conf(PREFIX + "monitor.gpu").section(MONITOR_SECTION)
            .doc("Whether executors query nvidia-smi for GPU utilisation and memory.")
            .bool(true);
    public static final ConfigEntry<Duration> MONITOR_GPU_TIMEOUT = conf(PREFIX + "monitor.gpuTimeout")
            .section(MONITOR_SECTION)
            .doc("Longest wait for one nvidia-smi query; a slower one is killed and the sample has no GPU fields.")
            .duration(Duration.ZERO, true, Duration.ofSeconds(2), "2s");

    public static final ConfigEntry<Boolean> MONITOR_NOTICES = conf(PREFIX + "monitor.notices").section(MONITOR_SECTION)
            .doc("Whether executors announce decommissioning (SIGPWR) and graceful JVM shutdown to the driver, which"
                    + " then checkpoints at the next round boundary.")
            .bool(true);

    // --- hazard from health
    public static final ConfigEntry<Double> HAZARD_MAX_FACTOR = conf(PREFIX + "hazard.maxFactor").section(HAZARD_SECTION)
            .doc("Cap of the hazard factor (how many times executor health may raise the failure rate); 1 turns"
                    + " health-driven shortening off.")
            .number("a number >= 1 (1 turns health signals off)", v -> v >= 1, 100);
    public static final ConfigEntry<Duration> HAZARD_HORIZON = conf(PREFIX + "hazard.horizon").section(HAZARD_SECTION)
            .doc("Within how long a health signal at full severity is taken to predict a failure.")
            .duration(Duration.ZERO, true, Duration.ofMinutes(10), "10min");
    public static final ConfigEntry<Duration> HAZARD_HALF_LIFE = conf(PREFIX + "hazard.halfLife").section(HAZARD_SECTION)
            .doc("How fast a raised hazard decays once its signal is gone.")
            .duration(Duration.ZERO, true, Duration.ofSeconds(60), "60s");
    public static final ConfigEntry<Double> HAZARD_HEAP_THRESHOLD = conf(PREFIX + "hazard.heapThreshold")
            .section(HAZARD_SECTION).doc("Live-heap share above which the heap signal rises (full at 100%).")
            .number("a fraction in (0, 1)", v -> v > 0 && v < 1, 0.85);
    public static final ConfigEntry<Double> HAZARD_GC_THRESHOLD = conf(PREFIX + "hazard.gcThreshold")
            .section(HAZARD_SECTION).doc("GC-time share above which the GC signal rises (full at twice it).")
            .number("a fraction in (0, 1)", v -> v > 0 && v < 1, 0.3);
    public static final ConfigEntry<Double> HAZARD_TASK_FAILURES = conf(PREFIX + "hazard.taskFailures")
            .section(HAZARD_SECTION).doc("Failed task attempts of one executor within the window that raise its signal fully.")
            .number("a number >= 1", v -> v >= 1, 3);
    public static final ConfigEntry<Duration> HAZARD_NOTICE_WINDOW = conf(PREFIX + "hazard.noticeWindow")
            .section(HAZARD_SECTION)
            .doc("How long after an executor's notice its loss is expected (the cluster's longest notice period).")
            .duration(Duration.ZERO, true, Duration.ofSeconds(120), "120s");

    // --- configuration checks
    public static final ConfigEntry<Boolean> ALLOW_UNKNOWN_KEYS = conf(PREFIX + "conf.allowUnknownKeys")
            .section(CONF_SECTION)
            .doc("Unknown spark.txtrain.* keys (a misspelling) stop the job at startup; true only warns.")
            .bool(false);

    // --- testing only
    public static final ConfigEntry<String> FAIL_TASKS = conf(PREFIX + "test.failTasks").internal()
            .doc("Makes matching task attempts throw: round:partition:taskAttempt[@roundAttempt],...")
            .string("round:partition:taskAttempt[@roundAttempt],...", s -> true, null, "3:1:0");
    public static final ConfigEntry<String> TEST_ENVIRONMENT = conf(PREFIX + "test.environment").internal()
            .doc("Facts replacing the executors' measured environment fingerprint (key=value,...).")
            .string("key=value,...", s -> true, null, "cpu=other");
    public static final ConfigEntry<String> HOLD_HEAP = conf(PREFIX + "test.holdHeap").internal()
            .doc("Executors hold heap during chosen rounds: firstRound-lastRound:fraction of the heap limit.")
            .string("firstRound-lastRound:fraction", s -> true, null, "4-9:0.5");

    private TxtrainConfig() {
    }

    static synchronized <T> ConfigEntry<T> register(ConfigEntry<T> e) {
        for (ConfigEntry<?> o : ENTRIES) {
            if (o.key().equals(e.key())) {
                throw new IllegalStateException("configuration key declared twice: " + e.key());
            }
        }
        ENTRIES.add(e);
        return e;
    }

    /** Every declared entry, in declaration order. */
    public static List<ConfigEntry<?>> entries() {
        return Collections.unmodifiableList(ENTRIES);
    }

    public static Optional<ConfigEntry<?>> find(String key) {
        return ENTRIES.stream().filter(e -> e.key().equals(key)).findFirst();
    }

    /**
     * The keys under {@link #PREFIX} that no entry declares, each with the closest declared key
     * (null where nothing is close).
     */
    public static Map<String, String> unknownKeys(Collection<String> keys) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : keys) {
            if (k.startsWith(PREFIX) && find(k).isEmpty()) {
                out.put(k, closest(k));
            }
        }
        return out;
    }

    /** The declared key with the smallest edit distance to {@code key}, if within a third of its length. */
    static String closest(String key) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (ConfigEntry<?> e : ENTRIES) {
            if (e.internal()) {
                continue;
            }
            int d = editDistance(key.toLowerCase(java.util.Locale.ROOT), e.key().toLowerCase(java.util.Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = e.key();
            }
        }
        int tail = key.length() - PREFIX.length();
        return bestD <= Math.max(2, tail / 3) ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
