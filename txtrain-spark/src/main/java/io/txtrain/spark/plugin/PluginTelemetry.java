package io.txtrain.spark.plugin;

import java.util.function.BiConsumer;

import io.txtrain.spark.TrainingTelemetry;

/**
 * The {@link TrainingTelemetry} the driver plugin publishes: cluster load from the
 * {@link ClusterMonitor}, failures from the {@link FailureTracker}, and the trainer's reports into
 * {@link PluginMetrics}. Thread-safe; no method throws.
 */
public final class PluginTelemetry implements TrainingTelemetry {
    private final ClusterMonitor monitor;
    private final FailureTracker failures;
    private final PluginMetrics metrics;

    public PluginTelemetry(ClusterMonitor monitor, FailureTracker failures, PluginMetrics metrics) {
        this.monitor = monitor;
        this.failures = failures;
        this.metrics = metrics;
    }

    /** Per-executor load windows. */
    public ClusterMonitor monitor() {
        return monitor;
    }

    /** Failure counts and the executor-loss time. */
    public FailureTracker failures() {
        return failures;
    }

    @Override
    public double clusterLoad() {
        return monitor.clusterLoad();
    }

    @Override
    public AutoCloseable onFailure(BiConsumer<Long, String> sink) {
        return failures.addSink(sink);
    }

    @Override
    public long lastExecutorLossMillis() {
        return failures.lastExecutorLossMillis();
    }

    @Override
    public void roundCommitted(long round, long commitNanos, long roundNanos) {
        metrics.roundCommitted(round, commitNanos, roundNanos);
    }

    @Override
    public void roundAborted(long round) {
        metrics.roundAborted();
    }

    @Override
    public void checkpointSnapshot(long stallNanos) {
        metrics.checkpointSnapshot(stallNanos);
    }

    @Override
    public void checkpointPersisted(long persistNanos, long bytes) {
        metrics.checkpointPersisted(persistNanos, bytes);
    }

    @Override
    public void checkpointFailed() {
        metrics.checkpointFailed();
    }

    @Override
    public void policyState(double intervalSeconds, double mtbfSeconds) {
        metrics.policyState(intervalSeconds, mtbfSeconds);
    }
}
