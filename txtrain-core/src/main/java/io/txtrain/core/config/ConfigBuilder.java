package io.txtrain.core.config;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;

import io.txtrain.core.policy.Durations;

/** Declares a {@link ConfigEntry}: name, section and documentation, then its type and default. */
public final class ConfigBuilder {
    private final String key;
    private String section = "";
    private String doc = "";
    private boolean internal;

    private ConfigBuilder(String key) {
        this.key = key;
    }

    static ConfigBuilder conf(String key) {
        return new ConfigBuilder(key);
    }

    ConfigBuilder section(String s) {
        this.section = s;
        return this;
    }

    ConfigBuilder doc(String d) {
        this.doc = d;
        return this;
    }

    ConfigBuilder internal() {
        this.internal = true;
        return this;
    }

    <T> ConfigEntry<T> create(String allowed, Function<String, T> parser, T def, String defText) {
        return TxtrainConfig.register(new ConfigEntry<>(key, section, doc, allowed, defText, def, parser, internal));
    }

    ConfigEntry<Integer> intAtLeast(int min, int def) {
        return create("an integer >= " + min, s -> check(Integer.parseInt(s), v -> v >= min), def, Integer.toString(def));
    }

    ConfigEntry<Long> bytesAtLeast(long min, long def, String defText) {
        return create("a byte size >= " + min + " (a number of bytes, or with unit k|m|g|t, e.g. 64m)",
                s -> check(ByteSizes.parse(s), v -> v >= min), def, defText);
    }

    ConfigEntry<Double> number(String allowed, Predicate<Double> ok, double def) {
        return create(allowed, s -> check(Double.parseDouble(s), v -> !v.isNaN() && !v.isInfinite() && ok.test(v)),
                def, trim(def));
    }

    ConfigEntry<Boolean> bool(boolean def) {
        return create("true | false", s -> {
            String l = s.toLowerCase(Locale.ROOT);
            if (!l.equals("true") && !l.equals("false")) {
                throw new IllegalArgumentException(s);
            }
            return Boolean.parseBoolean(l);
        }, def, Boolean.toString(def));
    }

    /** A duration of at least {@code min} (strictly more than zero when {@code min} is zero and positive). */
    ConfigEntry<Duration> duration(Duration min, boolean positive, Duration def, String defText) {
        String bound = positive && min.isZero() ? "> 0"
                : ">= " + (min.toMillis() % 1000 != 0 ? min.toMillis() + "ms" : Durations.format(min.toSeconds()));
        return create("a duration " + bound + ", " + Durations.FORMS, s -> {
            double sec = Durations.parseSeconds(s);
            if (!Double.isFinite(sec) || sec < 0 || (positive && sec == 0)) {
                throw new IllegalArgumentException(s);
            }
            Duration d = Duration.ofMillis(Math.round(sec * 1000));
            return check(d, v -> v.compareTo(min) >= 0);
        }, def, defText);
    }

    ConfigEntry<Short> octalMode(short def) {
        return create("an octal mode 000-777, such as 700 or 750", s -> {
            int v = Integer.parseInt(s, 8);
            if (v < 0 || v > 0777) {
                throw new IllegalArgumentException(s);
            }
            return (short) v;
        }, def, Integer.toOctalString(def));
    }

    ConfigEntry<String> string(String allowed, Predicate<String> ok, String def, String defText) {
        return create(allowed, s -> check(s, ok), def, defText);
    }

    private static <T> T check(T v, Predicate<T> ok) {
        if (!ok.test(v)) {
            throw new IllegalArgumentException(String.valueOf(v));
        }
        return v;
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
