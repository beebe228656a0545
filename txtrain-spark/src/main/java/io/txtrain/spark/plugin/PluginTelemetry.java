package io.txtrain.spark.plugin;

import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

import io.txtrain.core.policy.HealthReading;
import io.txtrain.spark.ExecutorNotice;
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
    private final NoticeBoard notices;
    private final HealthMonitor health;

    public PluginTelemetry(ClusterMonitor monitor, FailureTracker failures, PluginMetrics metrics) {
        this(monitor, failures, metrics, new NoticeBoard(), 60_000);
    }

    /** @param windowMillis how far back task failures count towards an executor's health */
    public PluginTelemetry(ClusterMonitor monitor, FailureTracker failures, PluginMetrics metrics,
            NoticeBoard notices, long windowMillis) {
        this.monitor = monitor;
        this.failures = failures;
        this.metrics = metrics;
        this.notices = notices;
        this.health = new HealthMonitor(monitor, failures, windowMillis);
    }

    /** Executors' notices that they are going away. */
    public NoticeBoard notices() {
        return notices;
    }

    @Override
    public List<ExecutorNotice> takeNotices() {
        return notices.take();
    }

    @Override
    public Set<String> leavingExecutors() {
        return notices.leaving();
    }

    @Override
    public Set<String> liveExecutors() {
        return monitor.liveExecutors();
    }

    @Override
    public List<HealthReading> health() {
        return health.readings(System.currentTimeMillis());
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
