package io.txtrain.spark;

import java.util.function.BiConsumer;

/**
 * What the txtrain Spark plugin tells the trainer (cluster load, failures) and records from it
 * (metrics). Without the plugin, {@link #NONE} applies: load unknown, no failures observed, no
 * metrics.
 */
public interface TrainingTelemetry {
    /** Cluster-wide load in [0, 1] over the recent window, or NaN if unknown. */
    double clusterLoad();

    /** Registers a sink for failures (time in millis, cause); returns a handle that removes it. */
    AutoCloseable onFailure(BiConsumer<Long, String> sink);

    /** Time (millis) of the most recent executor loss, or 0 if none. */
    long lastExecutorLossMillis();

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
