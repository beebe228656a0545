package io.txtrain.spark.dl4j;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongConsumer;

import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.spark.TrainingTelemetry;

/**
 * Runs a round's Spark job. A failed job aborts the round (nothing of it is kept); the round is
 * retried from the same committed state after executors are back, up to the attempt limit. A
 * cancelled job ({@link JobCancellation}) aborts the round and is rethrown at once, without a retry.
 *
 * <p>After an executor announced it is going away (a notice through the plugin), the next round
 * starts only once that executor is gone and as many executors report as before it, or after
 * {@code spark.txtrain.round.executorWait}: Spark gives a decommissioning executor no new tasks,
 * so the round would otherwise run on fewer executors.
 */
final class RoundRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RoundRunner.class);
    private final JavaSparkContext sc;
    private final int maxAttempts;
    private final Duration executorWait;
    private final FaultInjection faults;
    private final LongConsumer onAbort;
    private final TrainingTelemetry telemetry;
    private final Set<String> awaited = new HashSet<>();
    private final HeapHold heapHold;
    private final String environmentOverride;
    private volatile long abortedRounds; // counted on the launcher thread, read by the driver's thread

    /**
     * @param onAbort             told the round number of every aborted attempt
     * @param telemetry           the executors that are live and those leaving
     * @param environmentOverride test-only facts replacing the executors' measured environment, or ""
     */
    RoundRunner(JavaSparkContext sc, int maxAttempts, Duration executorWait, FaultInjection faults,
                LongConsumer onAbort, TrainingTelemetry telemetry, HeapHold heapHold, String environmentOverride) {
        this.sc = sc;
        this.maxAttempts = maxAttempts;
        this.executorWait = executorWait;
        this.faults = faults;
        this.onAbort = onAbort;
        this.telemetry = telemetry;
        this.heapHold = heapHold;
        EnvironmentFingerprint.overrides(environmentOverride); // a bad value fails here, not in every task
        this.environmentOverride = environmentOverride;
    }

    /** A round's aggregate, and when the driver had the workers' results (nanoTime). */
    record Outcome(RoundAggregate aggregate, long receivedNanos) {
    }

    long abortedRounds() {
        return abortedRounds;
    }

    /** How long a round waits for executors ({@code spark.txtrain.round.executorWait}). */
    Duration executorWait() {
        return executorWait;
    }

    /**
     * The round's workers' results combined in partition order, where the job says; retried as
     * described above, never partially.
     *
     * @return the aggregate, and when it was received or, aggregated on the driver, collected
     * @throws IllegalStateException if the results cannot be combined (no data on any worker)
     */
    <P extends java.io.Serializable> Outcome run(RoundJob<P> job) {
        awaitReplacements();
        return attempts(job, 1, null);
    }

    /**
     * Runs {@code job}'s round again after the stream that ran it failed with {@code failure}
     * (its first attempt): counted and retried as a failed job of the round's own would be.
     *
     * @throws RuntimeException {@code failure} itself if it is not a failed Spark job (a cancelled
     *                          job included)
     */
    <P extends java.io.Serializable> Outcome afterStreamFailure(RoundJob<P> job, Throwable failure, boolean stalled) {
        SparkException se = sparkCause(failure);
        if (!stalled && (se == null || JobCancellation.isCancellation(se))) {
            throw failure instanceof RuntimeException re ? re : new IllegalStateException(failure);
        }
        if (stalled) {
            se = new SparkException("not every worker's task of the round's stream ran for "
                    + executorWait.toSeconds() + " s (spark.txtrain.round.executorWait); the stream was cancelled");
        }
        aborted(job, 1, se);
        if (maxAttempts < 2) {
            throw failed(job, se);
        }
        awaitExecutors();
        return attempts(job, 2, se);
    }

    private void aborted(RoundJob<?> job, int attempt, SparkException se) {
        abortedRounds = abortedRounds + 1;
        onAbort.accept(job.input().round);
        LOG.warn("{} aborted (attempt {}/{}): {}", job.description(), attempt, maxAttempts, firstLine(se));
    }

    private RoundFailedException failed(RoundJob<?> job, SparkException last) {
        return new RoundFailedException(job.description() + " failed " + maxAttempts
                + " times (spark.txtrain.round.maxAttempts); nothing of it was committed. Run the job again with the"
                + " same checkpoint directory to resume at round " + job.input().round + ".", last);
    }

    /** Why {@code job}'s round may not run in a {@link RoundStream}, or null ({@link StreamJob#whyNot}). */
    String whyNoStream(RoundJob<?> job) {
        return StreamJob.whyNot(sc, job, telemetry != TrainingTelemetry.NONE);
    }

    /** Runs {@code stream}'s rounds as one Spark job ({@link StreamJob#run}); closes it when the job ends. */
    <P extends java.io.Serializable> void runStream(RoundJob<P> job, RoundStream stream) {
        StreamJob.run(sc, job, stream, new RoundTask<>(job.config(), job.configKey(), job.kind(), null, job.fitter(),
                job.objectsPerMinibatch(), faults, heapHold, 1, environmentOverride));
    }

    private <P extends java.io.Serializable> Outcome attempts(RoundJob<P> job, int first, SparkException failed) {
        RoundInput input = job.input();
        String what = job.description();
        SparkException last = failed;
        for (int attempt = first; attempt <= maxAttempts; attempt++) {
            // in local mode the tasks read the driver's object (Spark's broadcast would serialise it
            // anyway); with the plugin, executors ask for it (a retry broadcasts)
            boolean noBroadcast = sc.sc().isLocal()
                    || (attempt == 1 && telemetry != TrainingTelemetry.NONE && RoundHandoff.fitsChannel(input));
            Broadcast<RoundInput> in = noBroadcast ? null : sc.broadcast(input);
            RoundHandoff handoff = new RoundHandoff(input);
            sc.setJobDescription(attempt == 1 ? what : what + " (attempt " + attempt + ")");
            try {
                RoundTask<P> task = new RoundTask<>(job.config(), job.configKey(), job.kind(), handoff.input(in),
                        job.fitter(), job.objectsPerMinibatch(), faults, heapHold, attempt, environmentOverride);
                JavaRDD<RoundResult> results = new JavaRDD<>(job.data().split(job.split()).rdd()
                        .mapPartitionsWithIndex(new PlainFunctions.WithIndex<>(task), true, RESULT), RESULT);
                if (job.aggregation() == AggregationSite.EXECUTORS) {
                    RoundAggregate aggregate = ExecutorAggregation.aggregate(results, input.round, job.averageUpdater(),
                            job.slices());
                    return new Outcome(aggregate, System.nanoTime());
                }
                List<RoundResult> collected = collect(results, handoff);
                long received = System.nanoTime();
                return new Outcome(RoundAggregate.of(input.round, collected, job.averageUpdater()), received);
            } catch (Exception e) { // SparkException is checked but thrown undeclared by Scala
                SparkException se = sparkCause(e);
                if (se == null) {
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
                if (JobCancellation.isCancellation(se)) {
                    // a stop request, not a failure: nothing of the round is kept, nothing is retried
                    LOG.warn("{} was cancelled: {}; stopping", what, firstLine(se));
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(se);
                }
                last = se;
                aborted(job, attempt, se);
                if (attempt < maxAttempts) {
                    awaitExecutors();
                }
            } finally {
                sc.setJobDescription(null);
                handoff.close();
                if (in != null) {
                    in.destroy(false);
                }
            }
        }
        throw failed(job, last);
    }

    private static final scala.reflect.ClassTag<RoundResult> RESULT = scala.reflect.ClassTag$.MODULE$.apply(
            RoundResult.class);

    /** The results in partition order ({@code collect()} without a lambda for Spark to inspect). */
    private List<RoundResult> collect(JavaRDD<RoundResult> results, RoundHandoff handoff) {
        Object[] parts = (Object[]) sc.sc().runJob(results.rdd(), handoff.collector(),
                scala.reflect.ClassTag$.MODULE$.apply(List.class));
        return handoff.resolve(parts);
    }

    private static SparkException sparkCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SparkException s) {
                return s;
            }
        }
        return null;
    }

    private static String firstLine(Throwable t) {
        String m = String.valueOf(t.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /**
     * True if a live executor announced it is going away and no round has waited for it yet: the
     * next round then runs as its own job, which waits ({@link #run}).
     */
    boolean executorsLeaving() {
        if (sc.sc().isLocal()) {
            return false;
        }
        Set<String> leaving = new TreeSet<>(telemetry.leavingExecutors());
        leaving.removeAll(awaited);
        leaving.retainAll(telemetry.liveExecutors());
        return !leaving.isEmpty();
    }

    /**
     * After a new notice from a live executor: waits (bounded) until it is gone and as many
     * executors are live as were before the wait; immediate in local mode, without new notices and
     * when the announcing executors are gone already.
     */
    private void awaitReplacements() {
        if (sc.sc().isLocal()) {
            return;
        }
        Set<String> leaving = new TreeSet<>(telemetry.leavingExecutors());
        leaving.removeAll(awaited);
        awaited.addAll(leaving);
        Set<String> live = telemetry.liveExecutors();
        leaving.retainAll(live);
        if (leaving.isEmpty()) {
            return; // no new notice, or its executors are gone already
        }
        int before = live.size();
        LOG.info("executors {} are going away; waiting up to {} s for them to leave and {} executor(s) to report",
                leaving, executorWait.toSeconds(), before);
        long deadline = System.nanoTime() + executorWait.toNanos();
        while (true) {
            live = telemetry.liveExecutors();
            if (live.stream().noneMatch(leaving::contains) && live.size() >= before) {
                LOG.info("executors now {}; continuing", live);
                return;
            }
            if (System.nanoTime() > deadline) {
                LOG.warn("executors {} after {} s (spark.txtrain.round.executorWait), {} leaving; continuing anyway",
                        live, executorWait.toSeconds(), leaving);
                return;
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RoundFailedException("interrupted while waiting for executors", e);
        }
    }

    /** Waits (bounded) until at least one executor is registered; immediate in local mode. */
    private void awaitExecutors() {
        if (sc.sc().isLocal()) {
            return;
        }
        long deadline = System.nanoTime() + executorWait.toNanos();
        while (sc.sc().statusTracker().getExecutorInfos().length <= 1) {
            if (System.nanoTime() > deadline) {
                LOG.warn("no executor registered after {} s (spark.txtrain.round.executorWait); retrying anyway",
                        executorWait.toSeconds());
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RoundFailedException("interrupted while waiting for executors", e);
            }
        }
    }
}
