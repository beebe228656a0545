package io.txtrain.spark.dl4j;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.policy.CheckpointPolicy;
import io.txtrain.spark.TrainingTelemetry;

/**
 * Carries finished persists from the persist thread to the training thread, where the policy
 * learns the checkpoint cost (stall and persist time) without locking.
 */
final class PersistOutcomes implements CheckpointListener {
    private static final Logger LOG = LoggerFactory.getLogger(PersistOutcomes.class);
    private final TrainingTelemetry telemetry;
    private final AtomicLong lastStallNanos = new AtomicLong();
    private final AtomicReference<Long> finishedPersistNanos = new AtomicReference<>();
    private final AtomicReference<Throwable> lastFailure = new AtomicReference<>();
    private final AtomicLong publishedRound = new AtomicLong(-1);

    PersistOutcomes(TrainingTelemetry telemetry) {
        this.telemetry = telemetry;
    }

    void stall(long nanos) {
        lastStallNanos.set(nanos);
    }

    @Override
    public void published(CheckpointRef ref, long bytes, long persistNanos) {
        telemetry.checkpointPersisted(persistNanos, bytes);
        publishedRound.accumulateAndGet(ref.round(), Math::max);
        finishedPersistNanos.set(persistNanos);
    }

    @Override
    public void failed(long round, Throwable error) {
        telemetry.checkpointFailed();
        lastFailure.set(error);
        LOG.warn("checkpoint of round {} failed: {}", round, error.toString());
    }

    /** The run resumed from a checkpoint of {@code round}. */
    void restored(long round) {
        publishedRound.accumulateAndGet(round, Math::max);
    }

    /** Round of the newest checkpoint this driver published or resumed from; -1 if none. */
    long publishedRound() {
        return publishedRound.get();
    }

    /** The error of the last persist that failed, or null. */
    Throwable lastFailure() {
        return lastFailure.get();
    }

    /** Gives the policy the cost of the last persist that finished since the previous call. */
    void feed(CheckpointPolicy policy) {
        Long persist = finishedPersistNanos.getAndSet(null);
        if (persist != null) {
            policy.recordCheckpointCost(lastStallNanos.get() / 1e9, persist / 1e9);
        }
    }
}
