package io.txtrain.spark;

import java.util.concurrent.atomic.AtomicReference;

/** Where the driver plugin publishes its telemetry for trainers in the same driver JVM. */
public final class TelemetryRegistry {
    private static final AtomicReference<TrainingTelemetry> CURRENT = new AtomicReference<>();

    private TelemetryRegistry() {
    }

    /** The plugin's telemetry, or null if the plugin is not loaded. */
    public static TrainingTelemetry current() {
        return CURRENT.get();
    }

    public static void register(TrainingTelemetry t) {
        CURRENT.set(t);
    }

    public static void unregister(TrainingTelemetry t) {
        CURRENT.compareAndSet(t, null);
    }
}
