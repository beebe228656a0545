package io.txtrain.spark.dl4j;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs rounds on one background thread, so that the next round runs on the executors while the
 * driver commits and applies the previous one. A launched round only computes: its result is used
 * after the previous round's commit, or it is abandoned (its work cancelled, its result dropped).
 *
 * <p>A round runs either as a Spark job of its own ({@link RoundRunner#run}, retries included) or,
 * where {@link RoundRunner#whyNoStream} allows, in a {@link RoundStream}: consecutive rounds of one
 * cached block share one Spark job whose tasks stay, and launching the next of them only publishes
 * its input. A failed stream aborts the round awaited (counted as its failed first attempt; the
 * round is retried as its own job) and ends streaming for the epoch. A stream whose tasks cannot
 * all run ({@code spark.txtrain.round.executorWait}, e.g. an executor lost and not replaced) is
 * cancelled and handled as failed, so it never waits forever. After an executor announced that it is
 * going away, the stream ends and the next round runs as its own job, which waits for the executor
 * to leave and be replaced ({@link RoundRunner#run}); later rounds stream again.
 *
 * <p>The thread is created by the first launch, so it carries the caller's Spark job group,
 * description and pool; its jobs also carry a job tag of their own, by which an abandoned round is
 * cancelled without touching the caller's other jobs.
 */
final class RoundLauncher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoundLauncher.class);
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final long STALL_CHECK_AFTER_MILLIS = 1000;
    private final JavaSparkContext sc;
    private final RoundRunner runner;
    private final String tag = "txtrain-round-launcher-" + IDS.incrementAndGet();
    private final boolean streams;
    private ExecutorService thread;
    private Streaming current;
    private boolean streamFailed;
    private int streamCount;
    /** What the log last said: why rounds do not stream, null if they do, "" before the first round. */
    private String told = "";

    RoundLauncher(JavaSparkContext sc, RoundRunner runner, boolean streams) {
        this.sc = sc;
        this.runner = runner;
        this.streams = streams;
    }

    /** A round running in the background. */
    abstract static class Launched {
        final long round;
        private final long startedMillis = System.currentTimeMillis();
        private final long startedNanos = System.nanoTime();

        Launched(long round) {
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
        abstract RoundRunner.Outcome await();

        /** Cancels the round's work and waits until the launcher let go of it; its outcome is dropped. */
        abstract void abandon();
    }

    /** A round run as its own Spark job. */
    private final class OwnJob extends Launched {
        private final Future<RoundRunner.Outcome> outcome;

        OwnJob(Future<RoundRunner.Outcome> outcome, long round) {
            super(round);
            this.outcome = outcome;
        }

        @Override
        RoundRunner.Outcome await() {
            try {
                return outcome.get();
            } catch (InterruptedException e) {
                abandon();
                Thread.currentThread().interrupt();
                throw interrupted(round, e);
            } catch (ExecutionException e) {
                throw unwrap(e);
            }
        }

        @Override
        void abandon() {
            if (!outcome.isDone()) {
                sc.sc().cancelJobsWithTag(tag);
            }
            quietly(outcome);
        }
    }

    /** A stream's Spark job and what the launcher knows of it. */
    private static final class Streaming {
        final RoundStream stream;
        final Future<?> job;
        final String tag;
        volatile boolean stalled;

        Streaming(RoundStream stream, Future<?> job, String tag) {
            this.stream = stream;
            this.job = job;
            this.tag = tag;
        }
    }

    /** A round run in a stream. */
    private final class Streamed<P extends java.io.Serializable> extends Launched {
        private final RoundJob<P> job;
        private final Streaming s;

        Streamed(RoundJob<P> job, Streaming s) {
            super(job.input().round);
            this.job = job;
            this.s = s;
        }

        @Override
        RoundRunner.Outcome await() {
            long waitingSince = System.currentTimeMillis();
            long stallSince = 0;
            try {
                while (true) {
                    RoundStream.Results r = s.stream.take(round, 100);
                    if (r != null) {
                        return outcome(r);
                    }
                    if (s.stream.isClosed() && !s.job.isDone()) {
                        quietly(s.job, 100); // closed as its job ends
                    }
                    if (s.job.isDone()) {
                        r = s.stream.take(round, 0);
                        if (r != null) {
                            return outcome(r);
                        }
                        return recover();
                    }
                    long now = System.currentTimeMillis();
                    if (!s.stalled && now - waitingSince > STALL_CHECK_AFTER_MILLIS && !allTasksRun()) {
                        stallSince = stallSince == 0 ? now : stallSince;
                        if (now - stallSince > runner.executorWait().toMillis()) {
                            s.stalled = true;
                            LOG.warn("the tasks of {}'s stream have not all run for {} s; cancelling it", job
                                    .description(), runner.executorWait().toSeconds());
                            sc.sc().cancelJobsWithTag(s.tag);
                        }
                    } else {
                        stallSince = 0;
                    }
                }
            } catch (InterruptedException e) {
                abandon();
                Thread.currentThread().interrupt();
                throw interrupted(round, e);
            }
        }

        private RoundRunner.Outcome outcome(RoundStream.Results r) {
            return new RoundRunner.Outcome(RoundAggregate.of(round, r.results(), job.averageUpdater()),
                    r.receivedNanos());
        }

        /** True if every worker that still owes a round of the stream has a running task. */
        private boolean allTasksRun() {
            int expected = s.stream.lastRound(round) ? s.stream.workers - s.stream.resultsIn(round) : s.stream.workers;
            int running = StreamJob.runningTasks(sc, s.tag);
            return running >= expected;
        }

        /** The stream ended without this round: its failure aborts the round, which runs again as its own job. */
        private RoundRunner.Outcome recover() throws InterruptedException {
            Throwable failure;
            try {
                s.job.get();
                failure = new IllegalStateException("the stream of " + job.description() + " ended without its results");
            } catch (ExecutionException e) {
                failure = e.getCause();
            }
            streamFailed = true;
            if (s.stalled || !JobCancellation.isCancellation(failure)) {
                LOG.warn("the stream of {} failed; rounds run as one Spark job each for the rest of the epoch",
                        job.description());
            }
            Throwable cause = failure;
            Future<RoundRunner.Outcome> retry = submit(() -> runner.afterStreamFailure(job, cause, s.stalled));
            try {
                return retry.get();
            } catch (InterruptedException e) {
                new OwnJob(retry, round).abandon();
                throw e;
            } catch (ExecutionException e) {
                throw unwrap(e);
            }
        }

        @Override
        void abandon() {
            s.stream.close();
            if (!s.job.isDone()) {
                sc.sc().cancelJobsWithTag(s.tag);
            }
            quietly(s.job);
        }
    }

    /** Starts {@code job} in the background. */
    <P extends java.io.Serializable> Launched launch(RoundJob<P> job) {
        long round = job.input().round;
        boolean leaving = streams && runner.executorsLeaving();
        if (current != null) {
            if (current.stream.accepts(round) && !leaving) {
                current.stream.publish(job.input());
                return new Streamed<>(job, current);
            }
            current.stream.close(); // its tasks stop: no round of it is launched any more
            current = null;
        }
        String whyNot = !streams ? "spark.txtrain.round.stream is false" : streamFailed ? "a stream failed"
                : leaving ? "executors are going away" : runner.whyNoStream(job);
        if (leaving) {
            LOG.info("{} runs as its own job: executors announced they are going away", job.description());
        } else if (!java.util.Objects.equals(whyNot, told)) { // said once per fit, and again when it changes
            told = whyNot;
            if (whyNot == null) {
                LOG.info("rounds run up to {} per Spark job (spark.txtrain.round.stream)", EpochData.ROUNDS_PER_BLOCK);
            } else {
                LOG.info("rounds run one Spark job each: {}", whyNot);
            }
        }
        if (whyNot == null) {
            RoundStream stream = new RoundStream(round, job.split(), job.data().blockRoundsFrom(job.split()),
                    job.data().schedule().workers());
            stream.publish(job.input());
            String streamTag = tag + "-stream-" + (++streamCount);
            Future<Object> f = submit(() -> {
                sc.sc().addJobTag(streamTag);
                try {
                    runner.runStream(job, stream);
                } finally {
                    sc.sc().removeJobTag(streamTag);
                }
                return null;
            });
            current = new Streaming(stream, f, streamTag);
            return new Streamed<>(job, current);
        }
        return new OwnJob(submit(() -> runner.run(job)), round);
    }

    private <T> Future<T> submit(Callable<T> work) {
        if (thread == null) {
            thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "txtrain-round-launcher");
                t.setDaemon(true);
                return t;
            });
        }
        return thread.submit(() -> {
            sc.sc().addJobTag(tag);
            return work.call();
        });
    }

    private static RoundFailedException interrupted(long round, InterruptedException e) {
        return new RoundFailedException("interrupted while round " + round + " ran; nothing of it was committed", e);
    }

    private static RuntimeException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof RuntimeException re) {
            return re;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return new IllegalStateException(c);
    }

    private static void quietly(Future<?> f, long millis) throws InterruptedException {
        try {
            f.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            // looked at by the caller
        }
    }

    private static void quietly(Future<?> f) {
        try {
            f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            // dropped with the round
        }
    }

    /** Stops the thread; rounds still running must have been awaited or abandoned. */
    @Override
    public void close() {
        if (current != null) {
            current.stream.close(); // its tasks stop at once
            try {
                current.job.get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                sc.sc().cancelJobsWithTag(current.tag); // tasks that never started
                quietly(current.job);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                // its rounds were awaited or abandoned already
            }
        }
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
