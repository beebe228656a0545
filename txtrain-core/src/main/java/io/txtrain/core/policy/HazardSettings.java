package io.txtrain.core.policy;

import java.util.Map;

import io.txtrain.core.config.TxtrainConfig;

/**
 * Validated settings of the short-term hazard that executor health adds to the adaptive policy.
 *
 * <p>Every invalid value is rejected with an {@link IllegalArgumentException} whose message names
 * the Spark key, the offending value and what is expected.
 *
 * @param maxFactor cap of the hazard factor (how many times the failure rate may be raised), &gt;= 1;
 *     1 turns health-driven shortening off
 * @param horizonSeconds within how long a signal at full severity is taken to predict a failure, &gt; 0
 * @param halfLifeSeconds how fast a raised hazard decays once its signal is gone, &gt; 0
 * @param heapThreshold live-heap share above which the heap signal rises (full at 100%), in (0, 1)
 * @param gcThreshold GC-time share above which the GC signal rises (full at twice it, or 100%), in (0, 1)
 * @param taskFailures failed task attempts within the window that raise the task signal fully, &gt;= 1
 * @param noticeWindowSeconds how long after an executor's notice its failure is expected (the
 *     longest notice period of the cluster), &gt; 0; within it the interval is the Young/Daly
 *     interval for an MTBF of half the window
 */
public record HazardSettings(double maxFactor, double horizonSeconds, double halfLifeSeconds, double heapThreshold, double gcThreshold,
        double taskFailures, double noticeWindowSeconds) {

    public static final String MAX_FACTOR = TxtrainConfig.HAZARD_MAX_FACTOR.key();
    public static final String HORIZON = TxtrainConfig.HAZARD_HORIZON.key();
    public static final String HALF_LIFE = TxtrainConfig.HAZARD_HALF_LIFE.key();
    public static final String HEAP_THRESHOLD = TxtrainConfig.HAZARD_HEAP_THRESHOLD.key();
    public static final String GC_THRESHOLD = TxtrainConfig.HAZARD_GC_THRESHOLD.key();
    public static final String TASK_FAILURES = TxtrainConfig.HAZARD_TASK_FAILURES.key();
    public static final String NOTICE_WINDOW = TxtrainConfig.HAZARD_NOTICE_WINDOW.key();

    private static final String FRACTION_OPEN = "a fraction in (0, 1)";

    /** @throws IllegalArgumentException naming the key, value and expected form of a bad setting */
    public HazardSettings {
        check(MAX_FACTOR, maxFactor, maxFactor >= 1, "a number >= 1 (1 turns health signals off)");
        check(HORIZON, horizonSeconds + "s", horizonSeconds > 0, "a duration > 0: " + Durations.FORMS);
        check(HALF_LIFE, halfLifeSeconds + "s", halfLifeSeconds > 0, "a duration > 0: " + Durations.FORMS);
        check(HEAP_THRESHOLD, heapThreshold, heapThreshold > 0 && heapThreshold < 1, FRACTION_OPEN);
        check(GC_THRESHOLD, gcThreshold, gcThreshold > 0 && gcThreshold < 1, FRACTION_OPEN);
        check(TASK_FAILURES, taskFailures, taskFailures >= 1, "a number >= 1");
        check(NOTICE_WINDOW, noticeWindowSeconds + "s", noticeWindowSeconds > 0, "a duration > 0: " + Durations.FORMS);
    }

    /** The declared defaults ({@link TxtrainConfig}): factor at most 100, horizon 10 min, half-life
     * 60 s, heap above 85%, GC above 30%, 3 task failures, notice window 120 s. */
    public static HazardSettings defaults() {
        return fromConf(Map.of());
    }

    /**
     * Reads the settings from Spark-style key/value pairs; absent keys keep their defaults.
     *
     * @throws IllegalArgumentException naming the key, value and expected form of a bad setting
     */
    public static HazardSettings fromConf(Map<String, String> conf) {
        return new HazardSettings(TxtrainConfig.HAZARD_MAX_FACTOR.get(conf),
                seconds(TxtrainConfig.HAZARD_HORIZON.get(conf)), seconds(TxtrainConfig.HAZARD_HALF_LIFE.get(conf)),
                TxtrainConfig.HAZARD_HEAP_THRESHOLD.get(conf), TxtrainConfig.HAZARD_GC_THRESHOLD.get(conf),
                TxtrainConfig.HAZARD_TASK_FAILURES.get(conf), seconds(TxtrainConfig.HAZARD_NOTICE_WINDOW.get(conf)));
    }

    private static double seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static void check(String key, Object shown, boolean ok, String expected) {
        if (!ok) {
            throw new IllegalArgumentException(key + " = " + shown + ": expected " + expected);
        }
    }
}
