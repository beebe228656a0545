package io.txtrain.core.config;

import java.util.Map;
import java.util.function.Function;

/**
 * One {@code spark.txtrain.*} setting: its name, documentation, default and the one parser that
 * validates it. Reading a bad value fails with the key, the value and what is allowed.
 *
 * @param <T> the parsed type
 */
public final class ConfigEntry<T> {
    private final String key;
    private final String section;
    private final String doc;
    private final String allowed;
    private final String defaultText;
    private final T defaultValue;
    private final Function<String, T> parser;
    private final boolean internal;

    ConfigEntry(String key, String section, String doc, String allowed, String defaultText, T defaultValue,
            Function<String, T> parser, boolean internal) {
        this.key = key;
        this.section = section;
        this.doc = doc;
        this.allowed = allowed;
        this.defaultText = defaultText;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.internal = internal;
    }

    public String key() {
        return key;
    }

    public String section() {
        return section;
    }

    public String doc() {
        return doc;
    }

    /** What values are accepted, in words (for example {@code a duration > 0}). */
    public String allowed() {
        return allowed;
    }

    /** The default as a user writes it; for a key without a default, an example value. */
    public String defaultText() {
        return defaultText;
    }

    /** Test-only keys are known (never reported as unknown) but not documented for users. */
    public boolean internal() {
        return internal;
    }

    /** The value set in {@code conf}, or the default (null for a key without one). */
    public T get(Map<String, String> conf) {
        String raw = conf.get(key);
        return raw == null ? defaultValue : parse(raw);
    }

    /** False for keys such as the checkpoint directory, whose {@link #defaultText()} is an example. */
    public boolean hasDefault() {
        return defaultValue != null;
    }

    public boolean isSet(Map<String, String> conf) {
        return conf.containsKey(key);
    }

    /**
     * @throws IllegalArgumentException naming the key, the value and {@link #allowed()}
     */
    public T parse(String raw) {
        try {
            return parser.apply(raw.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " = '" + raw + "': expected " + allowed, e);
        }
    }
}
