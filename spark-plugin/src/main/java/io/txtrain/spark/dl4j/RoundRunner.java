package io.txtrain.spark.dl4j;

import java.time.Duration;
import java.util.List;
import java.util.function.LongConsumer;

import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a round's Spark job. A failed job aborts the round (nothing of it is kept); the round is
 * retried from the same committed state after executors are back, up to the attempt limit.
 */
final class RoundRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RoundRunner.class);
    private final JavaSparkContext sc;
    private final int maxAttempts;
    private final Duration executorWait;
    private final FaultInjection faults;
    private final LongConsumer onAbort;
    private final String environmentOverride;
    private long abortedRounds;

    /**
     * @param onAbort             told the round number of every aborted attempt
     * @param environmentOverride test-only facts replacing the executors' measured environment, or ""
     */
    RoundRunner(JavaSparkContext sc, int maxAttempts, Duration executorWait, FaultInjection faults,
                LongConsumer onAbort, String environmentOverride) {
        this.sc = sc;
        this.maxAttempts = maxAttempts;
        this.executorWait = executorWait;
        this.faults = faults;
        this.onAbort = onAbort;
        EnvironmentFingerprint.overrides(environmentOverride); // a bad value fails here, not in every task
        this.environmentOverride = environmentOverride;
    }

    long abortedRounds() {
        return abortedRounds;
    }

    <P extends java.io.Serializable> List<RoundResult> run(EpochData<P> data, int split, RoundInput input,
            Broadcast<String> config, String configKey, ModelAdapter.Kind kind, ObjectFitter<?, P> fitter,
            int objectsPerMinibatch) {
        String what = "txtrain round " + input.round + ", epoch " + input.epoch + ", split " + (split + 1) + "/"
                + data.schedule().splitCount();
        SparkException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Broadcast<RoundInput> in = sc.broadcast(input);
            sc.setJobDescription(attempt == 1 ? what : what + " (attempt " + attempt + ")");
            try {
                return data.split(split)
                        .mapPartitionsWithIndex(new RoundTask<>(config, configKey, kind, in, fitter, objectsPerMinibatch,
                                faults, attempt, environmentOverride), true)
                        .collect();
            } catch (Exception e) { // SparkException is checked but thrown undeclared by Scala
                SparkException se = sparkCause(e);
                if (se == null) {
                    throw e instanceof RuntimeException re ? re : new IllegalStateException(e);
                }
                last = se;
                abortedRounds++;
                onAbort.accept(input.round);
                LOG.warn("{} aborted (attempt {}/{}): {}", what, attempt, maxAttempts, firstLine(se));
                if (attempt < maxAttempts) {
                    awaitExecutors();
                }
            } finally {
                sc.setJobDescription(null);
                in.destroy(false);
            }
        }
        throw new RoundFailedException(what + " failed " + maxAttempts + " times (spark.txtrain.round.maxAttempts); "
                + "nothing of it was committed. Run the job again with the same checkpoint directory to resume at round "
                + input.round + ".", last);
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
