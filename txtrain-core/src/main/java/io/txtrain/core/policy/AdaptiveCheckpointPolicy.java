package io.txtrain.core.policy;

import io.txtrain.core.policy.Decision.Action;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints at the Young/Daly interval for the measured checkpoint cost and the estimated MTBF.
 *
 * <p><b>Cost model.</b> The cost traded against lost work is the <em>stall</em> (time the
 * training thread is blocked). With asynchronous persistence the persist time delays protection
 * by a constant that does not change the optimal interval, so it only bounds the interval from
 * below (a checkpoint is never started while the previous one is still being persisted). Costs are
 * smoothed over recent checkpoints; before the first one is measured the configured initial cost
 * is assumed. The MTBF comes from an {@link MtbfEstimator} fed by {@link #recordFailure}.
 *
 * <p><b>Guarantees</b> (interval = the value reported in each {@link Decision}):
 * <ul>
 *   <li>the interval is never above {@code maxInterval}, and never below {@code minInterval} nor
 *       below the persist time, unless that would exceed {@code maxInterval};</li>
 *   <li>while no failure has been observed, checkpoint stalls stay within {@code overheadBudget}
 *       of wall time (interval &gt;= stall / budget, again capped by {@code maxInterval}); once
 *       failures are observed the interval follows the evidence, even if that costs more than the
 *       budget, because then the lost work it prevents outweighs the stalls;</li>
 *   <li>a checkpoint is taken at the round boundary nearest to the interval; when the cluster
 *       load is at or above {@code saturation} it is deferred, by at most {@code deferSlack} of the
 *       interval;</li>
 *   <li>at an epoch boundary a checkpoint is taken early once {@code epochEarlyFraction} of the
 *       interval has passed (skipped, not deferred, when the cluster is saturated);</li>
 *   <li>after an executor loss a checkpoint is taken as soon as the uncheckpointed work is at
 *       least one checkpoint stall long (a smaller amount is cheaper to redo than to save),
 *       regardless of load;</li>
 *   <li>after an executor's notice that it is going away (decommissioning, graceful shutdown) a
 *       checkpoint is taken at the next round boundary, regardless of the interval and of load,
 *       once the uncheckpointed work is at least one checkpoint stall long; reason
 *       {@code executor decommissioning: <ids>}. A notice is served by the next checkpoint taken for
 *       any reason. For {@code hazard.noticeWindow} after a notice (or until the next failure is
 *       reported, whichever is first) a failure is expected: the interval is at most the
 *       Young/Daly interval for an MTBF of half that window;</li>
 *   <li>executor health (see {@link HazardEstimator}) multiplies the failure rate by a factor in
 *       [1, {@code hazard.maxFactor}] while it lasts: the interval is the Young/Daly interval for
 *       {@code MTBF / factor}, and the overhead budget grows by the same factor (to at most 50%), so
 *       health alone can shorten the interval by about {@code sqrt(maxFactor)} at most. With a
 *       factor of 1 (nothing wrong) the interval is unchanged;</li>
 *   <li>a checkpoint is never started while a persist is in flight: the decision is
 *       {@code SKIP} (retry next round) until the work since the last checkpoint reaches two
 *       intervals, then {@code WAIT_FOR_PERSIST}, so a slow store cannot leave work unprotected
 *       indefinitely.</li>
 * </ul>
 * Thread-safe. Logs failure events and interval changes of more than 10% at INFO.
 */
public final class AdaptiveCheckpointPolicy implements CheckpointPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(AdaptiveCheckpointPolicy.class);

    /** Weight of the newest measurement in the smoothed costs. */
    static final double COST_SMOOTHING = 0.3;
    private static final double MIN_COST_SECONDS = 1e-3;
    private static final double LOG_CHANGE = 0.1;
    /** The overhead budget that a health hazard can raise it to, at most. */
    static final double MAX_RAISED_BUDGET = 0.5;

    private final AdaptivePolicySettings settings;
    private final MtbfEstimator mtbf;
    private final HazardEstimator hazard;
    private final Set<String> noticed = new TreeSet<>();
    private final HazardSettings hazardSettings;
    /** End of the window in which the latest notice's failure is expected; 0 if none. */
    private long noticeWindowEndMillis;
    private double stallSeconds = Double.NaN;
    private double persistSeconds = Double.NaN;
    private double loggedInterval = Double.NaN;
    private boolean failureSeen;

    /** @param startMillis when the run starts; MTBF observation begins here */
    public AdaptiveCheckpointPolicy(AdaptivePolicySettings settings, long startMillis) {
        this(settings, HazardSettings.defaults(), startMillis);
    }

    /** @param startMillis when the run starts; MTBF observation begins here */
    public AdaptiveCheckpointPolicy(AdaptivePolicySettings settings, HazardSettings hazardSettings, long startMillis) {
        this.settings = settings;
        this.hazard = new HazardEstimator(hazardSettings);
        this.hazardSettings = hazardSettings;
        this.mtbf = new MtbfEstimator(settings.mtbfPriorSeconds(), settings.mtbfPriorWeight(),
                settings.burstWindowSeconds(), startMillis);
    }

    @Override
    public synchronized Decision decide(PolicyInput in) {
        double m = mtbf.mtbfSeconds(in.nowMillis());
        double cost = stallEstimate();
        double factor = hazard.factor(in.nowMillis(), m);
        double interval = interval(cost, m, factor, in.nowMillis());
        logIntervalChange(interval, m, cost, factor, in.nowMillis());

        if (in.roundsSinceLastCheckpoint() == 0) {
            return decision(Action.NONE, "nothing uncheckpointed", interval, m, cost, in);
        }
        double since = in.secondsSinceLastCheckpoint();
        if (!noticed.isEmpty() && since >= cost) {
            return gate("executor decommissioning: " + String.join(", ", noticed), interval, m, cost, in);
        }
        double nearest = since + in.lastRoundSeconds() / 2;
        boolean saturated = in.clusterLoad() >= settings.saturation();
        if (nearest >= interval) {
            if (saturated && nearest < interval * (1 + settings.deferSlack())) {
                return decision(Action.DEFER, "due, cluster saturated", interval, m, cost, in);
            }
            return gate(saturated ? "due, deferral slack used up" : "due", interval, m, cost, in);
        }
        if (in.executorLostSinceLastCheckpoint() && since >= cost) {
            return gate("executor lost: protect uncheckpointed work", interval, m, cost, in);
        }
        if (in.epochBoundary() && nearest >= settings.epochEarlyFraction() * interval) {
            if (saturated) {
                return decision(Action.DEFER, "epoch boundary, cluster saturated", interval, m, cost, in);
            }
            return gate("epoch boundary", interval, m, cost, in);
        }
        return decision(Action.NONE, "not due", interval, m, cost, in);
    }

    @Override
    public synchronized void recordCheckpointCost(double stall, double persist) {
        CheckpointPolicies.requireCost(stall, persist);
        stallSeconds = Double.isNaN(stallSeconds) ? stall : smooth(stallSeconds, stall);
        persistSeconds = Double.isNaN(persistSeconds) ? persist : smooth(persistSeconds, persist);
    }

    @Override
    public synchronized void recordFailure(long timeMillis, String cause) {
        failureSeen = true;
        noticeWindowEndMillis = 0; // the announced failure, or one that reset the cluster anyway
        if (mtbf.recordFailure(timeMillis, cause) && LOG.isInfoEnabled()) {
            LOG.info("checkpoint-policy adaptive: failure event #{} ({}), MTBF estimate now {}s",
                    mtbf.failureCount(), cause, Math.round(mtbf.mtbfSeconds(timeMillis)));
        }
    }

    @Override
    public synchronized void recordNotice(long timeMillis, String executorId, String what) {
        noticeWindowEndMillis = Math.max(noticeWindowEndMillis,
                timeMillis + Math.round(hazardSettings.noticeWindowSeconds() * 1000));
        if (noticed.add(executorId) && LOG.isInfoEnabled()) {
            LOG.info("checkpoint-policy adaptive: executor {} is going away ({}); checkpoint at the next round boundary",
                    executorId, what);
        }
    }

    @Override
    public synchronized void recordHealth(long nowMillis, List<HealthReading> readings) {
        hazard.observe(nowMillis, readings);
    }

    /** The interval the policy aims at, at {@code nowMillis}. */
    public synchronized double intervalSeconds(long nowMillis) {
        double m = mtbf.mtbfSeconds(nowMillis);
        return interval(stallEstimate(), m, hazard.factor(nowMillis, m), nowMillis);
    }

    /** The health hazard factor at {@code nowMillis}, in [1, hazard.maxFactor]. */
    public synchronized double hazardFactor(long nowMillis) {
        return hazard.factor(nowMillis, mtbf.mtbfSeconds(nowMillis));
    }

    /** The health signal behind {@link #hazardFactor}, empty when the factor is 1. */
    public synchronized String hazardSignal(long nowMillis) {
        return hazard.dominantSignal(nowMillis);
    }

    /** Executors whose notice no checkpoint has served yet, sorted. */
    public synchronized Set<String> pendingNotices() {
        return Set.copyOf(noticed);
    }

    /** The failure estimator this policy learns from. */
    public MtbfEstimator mtbfEstimator() {
        return mtbf;
    }

    @Override
    public String name() {
        return "adaptive";
    }

    private double interval(double cost, double mtbfSeconds, double factor, long nowMillis) {
        double max = settings.maxIntervalSeconds();
        double m = mtbfSeconds / factor;
        boolean noticeOpen = nowMillis < noticeWindowEndMillis;
        if (noticeOpen) {
            m = Math.min(m, hazardSettings.noticeWindowSeconds() / 2);
        }
        double t = YoungDaly.intervalSeconds(Math.max(cost, MIN_COST_SECONDS), m);
        t = Math.max(t, settings.minIntervalSeconds());
        if (!failureSeen && !noticeOpen) {
            t = Math.max(t, cost / Math.min(MAX_RAISED_BUDGET, settings.overheadBudget() * factor));
        }
        if (!Double.isNaN(persistSeconds)) {
            t = Math.max(t, persistSeconds);
        }
        return Math.min(t, max);
    }

    private double stallEstimate() {
        return Double.isNaN(stallSeconds) ? settings.initialCheckpointCostSeconds() : stallSeconds;
    }

    private static double smooth(double old, double now) {
        return old + COST_SMOOTHING * (now - old);
    }

    private Decision gate(String reason, double interval, double m, double cost, PolicyInput in) {
        if (!in.persistInFlight()) {
            return decision(Action.CHECKPOINT, reason, interval, m, cost, in);
        }
        Action a = PersistGate.gate(in.secondsSinceLastCheckpoint(), interval);
        return decision(a, PersistGate.reason(a), interval, m, cost, in);
    }

    private Decision decision(Action a, String reason, double interval, double m, double cost, PolicyInput in) {
        if (a == Action.CHECKPOINT || a == Action.WAIT_FOR_PERSIST) {
            noticed.clear(); // this checkpoint protects the work done before every pending notice
        }
        long now = in.nowMillis();
        return new Decision(a, reason, interval, m, cost, name(), in, hazard.factor(now, m), hazard.dominantSignal(now));
    }

    private void logIntervalChange(double interval, double m, double cost, double factor, long now) {
        if (Double.isNaN(loggedInterval) || Math.abs(interval - loggedInterval) > LOG_CHANGE * loggedInterval) {
            loggedInterval = interval;
            if (LOG.isInfoEnabled()) {
                LOG.info("checkpoint-policy adaptive: interval {}s (MTBF {}s, stall {}s, persist {}s, failure events {},"
                        + " hazard x{}{})", Math.round(interval), Math.round(m), cost, persistSeconds, mtbf.failureCount(),
                        String.format(Locale.ROOT, "%.2f", factor),
                        factor > 1 ? " from " + hazard.dominantSignal(now) : "");
            }
        }
    }
}
