package io.txtrain.core.policy;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and formats durations such as {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1.5h}, {@code 2d}. */
public final class Durations {

    public static final String FORMS = "a number of seconds or a number with unit ms|s|m|min|h|d (e.g. 30s, 5m, 1h)";

    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]+)?)\\s*(ms|s|sec|m|min|h|d)?");

    private Durations() {
    }

    /** Seconds in {@code value}, or NaN if it is not a duration; a bare number means seconds. */
    public static double parseSeconds(String value) {
        if (value == null) {
            return Double.NaN;
        }
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return Double.NaN;
        }
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit) {
            case "ms":
                return n / 1000;
            case "m":
            case "min":
                return n * 60;
            case "h":
                return n * 3600;
            case "d":
                return n * 86400;
            default:
                return n;
        }
    }

    /** Compact rendering: whole hours, minutes or seconds with a unit, else seconds. */
    public static String format(double seconds) {
        if (seconds >= 3600 && seconds % 3600 == 0) {
            return (long) (seconds / 3600) + "h";
        }
        if (seconds >= 60 && seconds % 60 == 0) {
            return (long) (seconds / 60) + "m";
        }
        if (seconds == Math.rint(seconds)) {
            return (long) seconds + "s";
        }
        return seconds + "s";
    }
}
