package io.txtrain.spark.plugin;

import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.codahale.metrics.Timer;

/**
 * The driver-side txtrain metrics, published in Spark's metrics system under the source
 * {@code plugin.io.txtrain.spark.plugin.TxtrainPlugin}.
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>name</th><th>kind</th><th>meaning</th></tr>
 *   <tr><td>committedRounds</td><td>counter</td><td>rounds committed to the log (replays excluded)</td></tr>
 *   <tr><td>abortedRounds, roundRetries</td><td>counter</td><td>round attempts aborted and retried (one counter, two names)</td></tr>
 *   <tr><td>lastCommittedRound</td><td>gauge</td><td>number of the newest committed round, 0 before any</td></tr>
 *   <tr><td>commitLatency</td><td>timer</td><td>log append + sync of a round</td></tr>
 *   <tr><td>roundLatency</td><td>timer</td><td>a round from job start to durable commit</td></tr>
 *   <tr><td>checkpointStall</td><td>timer</td><td>time the training thread spent snapshotting</td></tr>
 *   <tr><td>checkpointPersist</td><td>timer</td><td>background persist of a checkpoint</td></tr>
 *   <tr><td>checkpointBytes</td><td>histogram</td><td>size of each persisted checkpoint</td></tr>
 *   <tr><td>checkpointFailures</td><td>counter</td><td>persists that failed</td></tr>
 *   <tr><td>checkpointInterval, mtbfEstimate</td><td>gauge</td><td>the policy's current interval and MTBF, seconds (NaN before the first decision)</td></tr>
 *   <tr><td>clusterLoad</td><td>gauge</td><td>see {@link ClusterMonitor}; NaN when unknown</td></tr>
 *   <tr><td>liveExecutors</td><td>gauge</td><td>executors with a recent sample</td></tr>
 *   <tr><td>executorLosses, taskFailures, stageFailures</td><td>gauge</td><td>failures seen by {@link FailureTracker}</td></tr>
 * </table>
 *
 * Timers and the histogram keep the last 10 minutes. Updates are thread-safe and never throw.
 */
public final class PluginMetrics {
    private final Counter committedRounds = new Counter();
    private final Counter abortedRounds = new Counter();
    private volatile long lastCommittedRound;
    private final Timer commitLatency = timer();
    private final Timer roundLatency = timer();
    private final Timer checkpointStall = timer();
    private final Timer checkpointPersist = timer();
    private final Histogram checkpointBytes = new Histogram(new SlidingTimeWindowArrayReservoir(10, TimeUnit.MINUTES));
    private final Counter checkpointFailures = new Counter();
    private volatile double checkpointInterval = Double.NaN;
    private volatile double mtbfEstimate = Double.NaN;

    private static Timer timer() {
        return new Timer(new SlidingTimeWindowArrayReservoir(10, TimeUnit.MINUTES));
    }

    /** Registers every metric in {@code r}, reading the live ones from the monitor and tracker. */
    public void registerWith(MetricRegistry r, ClusterMonitor monitor, FailureTracker failures) {
        r.register("committedRounds", committedRounds);
        r.register("abortedRounds", abortedRounds);
        r.register("roundRetries", abortedRounds);
        r.register("lastCommittedRound", (Gauge<Long>) () -> lastCommittedRound);
        r.register("commitLatency", commitLatency);
        r.register("roundLatency", roundLatency);
        r.register("checkpointStall", checkpointStall);
        r.register("checkpointPersist", checkpointPersist);
        r.register("checkpointBytes", checkpointBytes);
        r.register("checkpointFailures", checkpointFailures);
        r.register("checkpointInterval", (Gauge<Double>) () -> checkpointInterval);
        r.register("mtbfEstimate", (Gauge<Double>) () -> mtbfEstimate);
        r.register("clusterLoad", doubleGauge(monitor::clusterLoad));
        r.register("liveExecutors", (Gauge<Integer>) () -> monitor.liveExecutors().size());
        r.register("executorLosses", longGauge(failures::executorLosses));
        r.register("taskFailures", longGauge(failures::taskFailures));
        r.register("stageFailures", longGauge(failures::stageFailures));
    }

    private static Gauge<Double> doubleGauge(DoubleSupplier s) {
        return s::getAsDouble;
    }

    private static Gauge<Long> longGauge(LongSupplier s) {
        return s::getAsLong;
    }

    void roundCommitted(long round, long commitNanos, long roundNanos) {
        committedRounds.inc();
        lastCommittedRound = Math.max(lastCommittedRound, round);
        commitLatency.update(Math.max(0, commitNanos), TimeUnit.NANOSECONDS);
        roundLatency.update(Math.max(0, roundNanos), TimeUnit.NANOSECONDS);
    }

    void roundAborted() {
        abortedRounds.inc();
    }

    void checkpointSnapshot(long stallNanos) {
        checkpointStall.update(Math.max(0, stallNanos), TimeUnit.NANOSECONDS);
    }

    void checkpointPersisted(long persistNanos, long bytes) {
        checkpointPersist.update(Math.max(0, persistNanos), TimeUnit.NANOSECONDS);
        checkpointBytes.update(bytes);
    }

    void checkpointFailed() {
        checkpointFailures.inc();
    }

    void policyState(double intervalSeconds, double mtbfSeconds) {
        checkpointInterval = intervalSeconds;
        mtbfEstimate = mtbfSeconds;
    }
}
