package io.txtrain.core.policy;

import java.util.Locale;

/**
 * A parsed {@code spark.txtrain.checkpoint.policy} value.
 *
 * @param kind which policy
 * @param rounds N of {@code every-rounds:N}, else 0
 * @param seconds T of {@code every-seconds:T} in seconds, else 0
 */
public record PolicySpec(Kind kind, long rounds, double seconds) {

    /** The policy families. */
    public enum Kind { ADAPTIVE, EVERY_ROUNDS, EVERY_SECONDS, OFF }

    /** Allowed forms, as quoted in error messages. */
    public static final String FORMS =
            "adaptive | every-rounds:N (N >= 1) | every-seconds:T (T > 0, e.g. 90, 30s, 5m, 1h) | off";

    /**
     * Parses {@code adaptive}, {@code every-rounds:N}, {@code every-seconds:T} or {@code off}
     * (case-insensitive, surrounding blanks ignored).
     *
     * @param key the configuration key, quoted in error messages
     * @throws IllegalArgumentException naming the key, the value and the allowed forms
     */
    public static PolicySpec parse(String key, String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("adaptive")) {
            return new PolicySpec(Kind.ADAPTIVE, 0, 0);
        }
        if (v.equals("off")) {
            return new PolicySpec(Kind.OFF, 0, 0);
        }
        if (v.startsWith("every-rounds:")) {
            String n = v.substring("every-rounds:".length()).trim();
            try {
                long rounds = Long.parseLong(n);
                if (rounds >= 1) {
                    return new PolicySpec(Kind.EVERY_ROUNDS, rounds, 0);
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        if (v.startsWith("every-seconds:")) {
            double s = Durations.parseSeconds(v.substring("every-seconds:".length()));
            if (s > 0 && !Double.isInfinite(s)) {
                return new PolicySpec(Kind.EVERY_SECONDS, 0, s);
            }
        }
        throw new IllegalArgumentException(key + " = '" + value + "': expected " + FORMS);
    }
}
