package io.txtrain.core.policy;

import java.util.Map;

/** Builds checkpoint policies from configuration. */
public final class CheckpointPolicies {

    /** The key selecting the policy; absent means {@code adaptive}. */
    public static final String POLICY = io.txtrain.core.config.TxtrainConfig.POLICY.key();

    private CheckpointPolicies() {
    }

    /**
     * Parses {@code value} (see {@link PolicySpec#FORMS}) and builds the policy.
     *
     * @param key the configuration key, quoted in error messages
     * @param settings used by {@code adaptive} only
     * @param startMillis when the run (and MTBF observation) starts
     * @throws IllegalArgumentException naming the key, the value and the allowed forms
     */
    public static CheckpointPolicy parse(String key, String value, AdaptivePolicySettings settings,
            long startMillis) {
        return create(PolicySpec.parse(key, value), settings, startMillis);
    }

    /** Builds the policy {@code spec} describes. */
    public static CheckpointPolicy create(PolicySpec spec, AdaptivePolicySettings settings, long startMillis) {
        return create(spec, settings, HazardSettings.defaults(), startMillis);
    }

    /** Builds the policy {@code spec} describes; {@code hazard} is used by {@code adaptive} only. */
    public static CheckpointPolicy create(PolicySpec spec, AdaptivePolicySettings settings, HazardSettings hazard,
            long startMillis) {
        switch (spec.kind()) {
            case ADAPTIVE:
                return new AdaptiveCheckpointPolicy(settings, hazard, startMillis);
            case EVERY_ROUNDS:
                return new EveryRoundsPolicy(spec.rounds());
            case EVERY_SECONDS:
                return new EverySecondsPolicy(spec.seconds());
            default:
                return new NoCheckpointPolicy();
        }
    }

    /**
     * Builds the policy from Spark-style key/value pairs: {@link #POLICY} (default
     * {@code adaptive}), the {@link AdaptivePolicySettings} keys and the {@link HazardSettings} keys.
     *
     * @throws IllegalArgumentException naming the key, value and expected form of a bad setting
     */
    public static CheckpointPolicy fromConf(Map<String, String> conf, long startMillis) {
        PolicySpec spec = PolicySpec.parse(POLICY, conf.getOrDefault(POLICY, "adaptive"));
        boolean adaptive = spec.kind() == PolicySpec.Kind.ADAPTIVE;
        AdaptivePolicySettings settings = adaptive ? AdaptivePolicySettings.fromConf(conf)
                : AdaptivePolicySettings.defaults();
        HazardSettings hazard = adaptive ? HazardSettings.fromConf(conf) : HazardSettings.defaults();
        return create(spec, settings, hazard, startMillis);
    }

    static void requireCost(double stallSeconds, double persistSeconds) {
        if (!(stallSeconds >= 0) || !(persistSeconds >= 0)
                || Double.isInfinite(stallSeconds) || Double.isInfinite(persistSeconds)) {
            throw new IllegalArgumentException("checkpoint costs must be finite and >= 0: stall="
                    + stallSeconds + " persist=" + persistSeconds);
        }
    }
}
