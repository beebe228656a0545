package io.txtrain.core.policy;

import java.util.Map;
import java.util.function.DoublePredicate;

import io.txtrain.core.config.TxtrainConfig;

/**
 * Validated settings of {@link AdaptiveCheckpointPolicy}; durations are in seconds.
 *
 * <p>Every invalid value is rejected with an {@link IllegalArgumentException} whose message names
 * the Spark key, the offending value and what is expected.
 *
 * @param overheadBudget share of wall time the checkpoint stalls may take while no failure has
 *     been observed, in (0, 1)
 * @param mtbfPriorSeconds MTBF assumed before any failure is observed, &gt; 0
 * @param mtbfPriorWeight how many prior-length failure-free stretches the prior is worth, &gt; 0
 * @param burstWindowSeconds failures this close to an event's first failure join the event, &gt;= 0
 * @param minIntervalSeconds lower bound of the interval, &gt; 0
 * @param maxIntervalSeconds upper bound of the interval, &gt;= minIntervalSeconds
 * @param saturation cluster load at or above which due checkpoints are deferred, in (0, 1]
 * @param deferSlack how far past the interval a deferral may go, as a fraction of it, &gt;= 0
 * @param epochEarlyFraction share of the interval after which an epoch boundary triggers an early
 *     checkpoint, in (0, 1]
 * @param initialCheckpointCostSeconds stall assumed until one has been measured, &gt; 0
 */
public record AdaptivePolicySettings(
        double overheadBudget,
        double mtbfPriorSeconds,
        double mtbfPriorWeight,
        double burstWindowSeconds,
        double minIntervalSeconds,
        double maxIntervalSeconds,
        double saturation,
        double deferSlack,
        double epochEarlyFraction,
        double initialCheckpointCostSeconds) {

    public static final String OVERHEAD_BUDGET = TxtrainConfig.OVERHEAD_BUDGET.key();
    public static final String MTBF_PRIOR = TxtrainConfig.MTBF_PRIOR.key();
    public static final String MTBF_PRIOR_WEIGHT = TxtrainConfig.MTBF_PRIOR_WEIGHT.key();
    public static final String BURST_WINDOW = TxtrainConfig.BURST_WINDOW.key();
    public static final String MIN_INTERVAL = TxtrainConfig.MIN_INTERVAL.key();
    public static final String MAX_INTERVAL = TxtrainConfig.MAX_INTERVAL.key();
    public static final String SATURATION = TxtrainConfig.SATURATION.key();
    public static final String DEFER_SLACK = TxtrainConfig.DEFER_SLACK.key();
    public static final String EPOCH_EARLY_FRACTION = TxtrainConfig.EPOCH_EARLY_FRACTION.key();
    public static final String INITIAL_COST = TxtrainConfig.INITIAL_COST.key();

    private static final String FRACTION_OPEN = "a fraction in (0, 1)";
    private static final String FRACTION_HALF_OPEN = "a fraction in (0, 1]";
    private static final String POSITIVE_DURATION = "a duration > 0: " + Durations.FORMS;
    private static final String NON_NEGATIVE_DURATION = "a duration >= 0: " + Durations.FORMS;

    /** @throws IllegalArgumentException naming the key, value and expected form of a bad setting */
    public AdaptivePolicySettings {
        check(OVERHEAD_BUDGET, overheadBudget, overheadBudget, v -> v > 0 && v < 1, FRACTION_OPEN);
        check(MTBF_PRIOR, mtbfPriorSeconds, secs(mtbfPriorSeconds), v -> v > 0, POSITIVE_DURATION);
        check(MTBF_PRIOR_WEIGHT, mtbfPriorWeight, mtbfPriorWeight, v -> v > 0, "a number > 0");
        check(BURST_WINDOW, burstWindowSeconds, secs(burstWindowSeconds), v -> v >= 0, NON_NEGATIVE_DURATION);
        check(MIN_INTERVAL, minIntervalSeconds, secs(minIntervalSeconds), v -> v > 0, POSITIVE_DURATION);
        check(MAX_INTERVAL, maxIntervalSeconds, secs(maxIntervalSeconds), v -> v >= minIntervalSeconds,
                "a duration >= " + MIN_INTERVAL + " (" + secs(minIntervalSeconds) + ")");
        check(SATURATION, saturation, saturation, v -> v > 0 && v <= 1, FRACTION_HALF_OPEN);
        check(DEFER_SLACK, deferSlack, deferSlack, v -> v >= 0, "a number >= 0 (fraction of the interval)");
        check(EPOCH_EARLY_FRACTION, epochEarlyFraction, epochEarlyFraction, v -> v > 0 && v <= 1,
                FRACTION_HALF_OPEN);
        check(INITIAL_COST, initialCheckpointCostSeconds, secs(initialCheckpointCostSeconds), v -> v > 0,
                POSITIVE_DURATION);
    }

    /**
     * The declared defaults ({@link TxtrainConfig}): budget 1%, prior 6 h (weight 1), burst window
     * 60 s, interval 10 s .. 1 h, saturation 0.9, deferral slack 25%, early at an epoch boundary
     * after 50% of the interval, initial cost 10 s.
     */
    public static AdaptivePolicySettings defaults() {
        return fromConf(Map.of());
    }

    /**
     * Reads the settings from Spark-style key/value pairs; absent keys keep their defaults.
     *
     * @throws IllegalArgumentException naming the key, value and expected form of a bad setting
     */
    public static AdaptivePolicySettings fromConf(Map<String, String> conf) {
        double min = seconds(TxtrainConfig.MIN_INTERVAL.get(conf));
        double max = seconds(TxtrainConfig.MAX_INTERVAL.get(conf));
        if (max < min) {
            throw bad(MAX_INTERVAL, "'" + conf.getOrDefault(MAX_INTERVAL, TxtrainConfig.MAX_INTERVAL.defaultText()) + "'",
                    "a duration >= " + MIN_INTERVAL + " (" + secs(min) + ")");
        }
        return new AdaptivePolicySettings(
                TxtrainConfig.OVERHEAD_BUDGET.get(conf),
                seconds(TxtrainConfig.MTBF_PRIOR.get(conf)),
                TxtrainConfig.MTBF_PRIOR_WEIGHT.get(conf),
                seconds(TxtrainConfig.BURST_WINDOW.get(conf)),
                min,
                max,
                TxtrainConfig.SATURATION.get(conf),
                TxtrainConfig.DEFER_SLACK.get(conf),
                TxtrainConfig.EPOCH_EARLY_FRACTION.get(conf),
                seconds(TxtrainConfig.INITIAL_COST.get(conf)));
    }

    private static double seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0;
    }

    private static void check(String key, double v, Object shown, DoublePredicate ok, String expected) {
        if (Double.isNaN(v) || Double.isInfinite(v) || !ok.test(v)) {
            throw bad(key, shown, expected);
        }
    }

    private static IllegalArgumentException bad(String key, Object shown, String expected) {
        return new IllegalArgumentException(key + " = " + shown + ": expected " + expected);
    }

    private static String secs(double s) {
        return s + "s";
    }
}
