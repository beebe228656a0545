package io.txtrain.core.policy;

/**
 * Estimates the mean time between failures from a prior and the failures observed so far.
 *
 * <p>The estimate is {@code (w * prior + observed) / (w + events)}: the prior counts as {@code w}
 * failure-free stretches of length {@code prior}, and {@code observed} is the time between
 * construction and the latest time reported through {@link #observe}, {@link #recordFailure} or
 * {@link #mtbfSeconds}.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>the estimate is always positive and finite;</li>
 *   <li>with no failure it equals the prior at the start and only grows with failure-free time;</li>
 *   <li>each new failure event lowers it; as events accumulate it converges to the observed time
 *       per event, the prior's weight fading like {@code w / (w + events)};</li>
 *   <li>failures reported within the burst window of the first failure of an event (for example
 *       several executors lost with one node) count as one event, so a burst never counts more than
 *       once per window;</li>
 *   <li>time never runs backwards: an older time than one already seen adds nothing.</li>
 * </ul>
 * Thread-safe: failures may be reported from a listener thread while the trainer decides.
 */
public final class MtbfEstimator {

    private final double priorSeconds;
    private final double priorWeight;
    private final long burstWindowMillis;
    private final long startMillis;

    private long horizonMillis;
    private long events;
    private long losses;
    private long eventStartMillis;
    private String lastCause = "";

    /**
     * @param priorMtbfSeconds prior MTBF, positive and finite
     * @param priorWeight how many prior-length failure-free stretches the prior is worth, positive
     * @param burstWindowSeconds failures within this window of an event's first failure join that
     *     event; 0 disables merging
     * @param startMillis the time observation starts
     * @throws IllegalArgumentException on a non-positive or non-finite prior or weight, or a
     *     negative or non-finite window
     */
    public MtbfEstimator(double priorMtbfSeconds, double priorWeight, double burstWindowSeconds,
            long startMillis) {
        if (!(priorMtbfSeconds > 0) || Double.isInfinite(priorMtbfSeconds)) {
            throw new IllegalArgumentException("MTBF prior must be positive and finite, got " + priorMtbfSeconds);
        }
        if (!(priorWeight > 0) || Double.isInfinite(priorWeight)) {
            throw new IllegalArgumentException("MTBF prior weight must be positive and finite, got " + priorWeight);
        }
        if (!(burstWindowSeconds >= 0) || Double.isInfinite(burstWindowSeconds)) {
            throw new IllegalArgumentException("burst window must be >= 0 and finite, got " + burstWindowSeconds);
        }
        this.priorSeconds = priorMtbfSeconds;
        this.priorWeight = priorWeight;
        this.burstWindowMillis = Math.round(burstWindowSeconds * 1000);
        this.startMillis = startMillis;
        this.horizonMillis = startMillis;
    }

    /**
     * Records one failure (for example one lost executor).
     *
     * @return true if it starts a new failure event, false if it joined the current burst
     */
    public synchronized boolean recordFailure(long timeMillis, String cause) {
        advance(timeMillis);
        losses++;
        lastCause = cause == null ? "" : cause;
        boolean inBurst = events > 0 && Math.abs(timeMillis - eventStartMillis) <= burstWindowMillis;
        if (inBurst) {
            return false;
        }
        events++;
        eventStartMillis = Math.max(eventStartMillis, timeMillis);
        return true;
    }

    /** Extends the observed time to {@code nowMillis}. */
    public synchronized void observe(long nowMillis) {
        advance(nowMillis);
    }

    /** Observes {@code nowMillis} and returns the current MTBF estimate in seconds. */
    public synchronized double mtbfSeconds(long nowMillis) {
        advance(nowMillis);
        return (priorWeight * priorSeconds + (horizonMillis - startMillis) / 1000.0) / (priorWeight + events);
    }

    /** Failure events so far (a burst counts once). */
    public synchronized long failureCount() {
        return events;
    }

    /** Individual failures reported so far, burst members included. */
    public synchronized long lossCount() {
        return losses;
    }

    /** Time observed so far, in seconds. */
    public synchronized double observedSeconds() {
        return (horizonMillis - startMillis) / 1000.0;
    }

    private void advance(long nowMillis) {
        horizonMillis = Math.max(horizonMillis, nowMillis);
    }

    /** Cause given with the latest failure, empty if none. */
    public synchronized String lastCause() {
        return lastCause;
    }
}
