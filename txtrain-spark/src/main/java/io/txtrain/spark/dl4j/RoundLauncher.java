package io.txtrain.spark.dl4j;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs round jobs ({@link RoundRunner#run}, retries included) on one background thread, so that the
 * next round's job can run on the executors while the driver commits and applies the previous one.
 * A launched round only computes: its result is used after the previous round's commit, or it is
 * abandoned (its jobs cancelled, its result dropped). The thread is created by the first launch, so it
 * carries the caller's Spark job group, description and pool; its jobs also carry a job tag of their
 * own, by which an abandoned round is cancelled without touching the caller's other jobs.
 */
final class RoundLauncher implements AutoCloseable {
    private static final AtomicInteger IDS = new AtomicInteger();
    private final JavaSparkContext sc;
    private final RoundRunner runner;
    private final String tag = "txtrain-round-launcher-" + IDS.incrementAndGet();
    private ExecutorService thread;

    RoundLauncher(JavaSparkContext sc, RoundRunner runner) {
        this.sc = sc;
        this.runner = runner;
    }

    /** A round job running in the background. */
    final class Launched {
        private final Future<RoundRunner.Outcome> outcome;
        private final long round;
        private final long startedMillis = System.currentTimeMillis();
        private final long startedNanos = System.nanoTime();

        private Launched(Future<RoundRunner.Outcome> outcome, long round) {
            this.outcome = outcome;
            this.round = round;
        }

        /** When it was launched (wall clock). */
        long startedMillis() {
            return startedMillis;
        }

        /** When it was launched ({@link System#nanoTime()}). */
        long startedNanos() {
            return startedNanos;
        }

        /**
         * Waits for the round's outcome; throws what {@link RoundRunner#run} threw. An interrupt
         * abandons the round and is kept as the thread's interrupt status.
         */
        RoundRunner.Outcome await() {
            try {
                return outcome.get();
            } catch (InterruptedException e) {
                abandon();
                Thread.currentThread().interrupt();
                throw new RoundFailedException("interrupted while round " + round + " ran; nothing of it was committed",
                        e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException re) {
                    throw re;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(c);
            }
        }

        /** Cancels the round's jobs and waits until its thread let go of it; its outcome is dropped. */
        void abandon() {
            if (!outcome.isDone()) {
                sc.sc().cancelJobsWithTag(tag);
            }
            try {
                outcome.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | RuntimeException e) {
                // dropped with the round
            }
        }
    }

    /** Starts {@code job} in the background. */
    <P extends java.io.Serializable> Launched launch(RoundJob<P> job) {
        if (thread == null) {
            thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "txtrain-round-launcher");
                t.setDaemon(true);
                return t;
            });
        }
        return new Launched(thread.submit(() -> {
            sc.sc().addJobTag(tag);
            return runner.run(job);
        }), job.input().round);
    }

    /** Stops the thread; rounds still running must have been awaited or abandoned. */
    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
