package io.txtrain.spark.plugin;

import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.Resubmitted$;
import org.apache.spark.TaskCommitDenied;
import org.apache.spark.TaskEndReason;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.TaskKilled;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Spark scheduler events into failure reports for the registered sinks (the trainer's
 * checkpoint policy), each with the event's time (driver clock, millis) and a one-line cause.
 *
 * <p>What counts as a failure:
 * <ul>
 *   <li>an executor removed for any reason other than the driver killing it (dynamic allocation,
 *       {@code killExecutors}) or decommissioning; it also moves {@link #lastExecutorLossMillis()}.
 *       Only the first removal event of an executor id counts;</li>
 *   <li>a failed task attempt, except attempts that were killed (speculative duplicates, job
 *       cancellation), denied a commit, resubmitted, or lost with their executor (the executor
 *       loss is the failure);</li>
 *   <li>a failed stage, except one whose job was cancelled.</li>
 * </ul>
 * Events are delivered on Spark's listener bus thread, only to sinks registered before the event,
 * in registration order. A sink that throws is logged and does not affect the other sinks or
 * Spark. Thread-safe.
 */
public final class FailureTracker extends SparkListener {
    private static final Logger LOG = LoggerFactory.getLogger(FailureTracker.class);
    private static final int MAX_REMEMBERED_FAILURES = 1000;
    private static final List<String> PLANNED_REMOVALS = List.of("Executor killed by driver", "Executor decommission");

    private final List<BiConsumer<Long, String>> sinks = new CopyOnWriteArrayList<>();
    private final Consumer<String> executorGone;
    private final Set<String> removedExecutors = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastExecutorLoss = new AtomicLong();
    private final AtomicLong executorLosses = new AtomicLong();
    private final AtomicLong taskFailures = new AtomicLong();
    private final AtomicLong stageFailures = new AtomicLong();
    private final Map<String, Deque<Long>> taskFailureTimes = new ConcurrentHashMap<>();

    /** @param executorGone told the id of every removed executor, planned or not */
    public FailureTracker(Consumer<String> executorGone) {
        this.executorGone = executorGone;
    }

    /** Adds a sink; closing the handle removes it. */
    public AutoCloseable addSink(BiConsumer<Long, String> sink) {
        sinks.add(sink);
        return () -> sinks.remove(sink);
    }

    /** Time of the latest executor loss (millis), 0 if none. */
    public long lastExecutorLossMillis() {
        return lastExecutorLoss.get();
    }

    public long executorLosses() {
        return executorLosses.get();
    }

    public long taskFailures() {
        return taskFailures.get();
    }

    public long stageFailures() {
        return stageFailures.get();
    }

    /** Failed task attempts (as counted above) on {@code executorId} at or after {@code sinceMillis}. */
    public long taskFailuresSince(String executorId, long sinceMillis) {
        Deque<Long> times = taskFailureTimes.get(executorId);
        if (times == null) {
            return 0;
        }
        while (times.size() > MAX_REMEMBERED_FAILURES) {
            times.pollFirst();
        }
        return times.stream().filter(t -> t >= sinceMillis).count();
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
        if (!removedExecutors.add(e.executorId())) {
            return; // Spark may report one removal twice (scheduler backend and cluster manager)
        }
        executorGone.accept(e.executorId());
        String reason = String.valueOf(e.reason());
        if (PLANNED_REMOVALS.stream().anyMatch(reason::startsWith)) {
            LOG.info("executor {} removed by Spark ({}); not counted as a failure", e.executorId(), reason);
            return;
        }
        lastExecutorLoss.accumulateAndGet(e.time(), Math::max);
        executorLosses.incrementAndGet();
        report(e.time(), "executor " + e.executorId() + " lost: " + firstLine(reason));
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
        TaskEndReason r = e.reason();
        if (!(r instanceof TaskFailedReason f) || r instanceof TaskKilled || r instanceof TaskCommitDenied
                || r instanceof ExecutorLostFailure || r instanceof Resubmitted$) {
            return;
        }
        taskFailures.incrementAndGet();
        long t = e.taskInfo() != null && e.taskInfo().finishTime() > 0 ? e.taskInfo().finishTime()
                : System.currentTimeMillis();
        String where = e.taskInfo() == null ? "" : " (task " + e.taskInfo().index() + "." + e.taskInfo().attemptNumber()
                + " on executor " + e.taskInfo().executorId() + ")";
        if (e.taskInfo() != null) {
            taskFailureTimes.computeIfAbsent(e.taskInfo().executorId(), id -> new ConcurrentLinkedDeque<>()).addLast(t);
        }
        report(t, "task failed in stage " + e.stageId() + "." + e.stageAttemptId() + where + ": "
                + firstLine(f.toErrorString()));
    }

    @Override
    public void onStageCompleted(SparkListenerStageCompleted e) {
        StageInfo s = e.stageInfo();
        if (s.failureReason().isEmpty()) {
            return;
        }
        String reason = s.failureReason().get();
        if (reason.toLowerCase(Locale.ROOT).contains("cancelled")) {
            return;
        }
        stageFailures.incrementAndGet();
        long t = s.completionTime().isDefined() ? (Long) s.completionTime().get() : System.currentTimeMillis();
        report(t, "stage " + s.stageId() + "." + s.attemptNumber() + " (" + s.name() + ") failed: " + firstLine(reason));
    }

    private void report(long timeMillis, String cause) {
        LOG.info("txtrain observed a failure: {}", cause);
        for (BiConsumer<Long, String> sink : sinks) {
            try {
                sink.accept(timeMillis, cause);
            } catch (RuntimeException ex) {
                LOG.warn("failure sink {} threw; it keeps receiving later failures", sink, ex);
            }
        }
    }

    private static String firstLine(String s) {
        String t = s == null ? "" : s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
