package io.txtrain.spark;

import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

import io.txtrain.core.policy.HealthReading;

/**
 * What the txtrain Spark plugin tells the trainer (cluster load, failures, executors' notices and
 * health) and records from it (metrics). Without the plugin, {@link #NONE} applies: load unknown,
 * no failures, notices or health readings, no metrics.
 */
public interface TrainingTelemetry {
    /** Cluster-wide load in [0, 1] over the recent window, or NaN if unknown. */
    double clusterLoad();

    /** Registers a sink for failures (time in millis, cause); returns a handle that removes it. */
    AutoCloseable onFailure(BiConsumer<Long, String> sink);

    /** Time (millis) of the most recent executor loss, or 0 if none. */
    long lastExecutorLossMillis();

    /**
     * Notices received since the previous call, oldest first: at most one per executor over the
     * telemetry's life (Spark never reuses executor ids). Empty without the plugin.
     */
    default List<ExecutorNotice> takeNotices() {
        return List.of();
    }

    /** Executor ids that announced they are going away, ever; empty without the plugin. */
    default Set<String> leavingExecutors() {
        return Set.of();
    }

    /** Executors that reported to the plugin within its window and were not removed; empty without it. */
    default Set<String> liveExecutors() {
        return Set.of();
    }

    /** Current health of each live executor; empty without the plugin. */
    default List<HealthReading> health() {
        return List.of();
    }

    void roundCommitted(long round, long commitNanos, long roundNanos);

    void roundAborted(long round);

    void checkpointSnapshot(long stallNanos);

    void checkpointPersisted(long persistNanos, long bytes);

    void checkpointFailed();

    void policyState(double intervalSeconds, double mtbfSeconds);

    TrainingTelemetry NONE = new TrainingTelemetry() {
        @Override
        public double clusterLoad() {
            return Double.NaN;
        }

        @Override
        public AutoCloseable onFailure(BiConsumer<Long, String> sink) {
            return () -> { };
        }

        @Override
        public long lastExecutorLossMillis() {
            return 0;
        }

        @Override
        public void roundCommitted(long round, long commitNanos, long roundNanos) {
        }

        @Override
        public void roundAborted(long round) {
        }

        @Override
        public void checkpointSnapshot(long stallNanos) {
        }

        @Override
        public void checkpointPersisted(long persistNanos, long bytes) {
        }

        @Override
        public void checkpointFailed() {
        }

        @Override
        public void policyState(double intervalSeconds, double mtbfSeconds) {
        }
    };
}
