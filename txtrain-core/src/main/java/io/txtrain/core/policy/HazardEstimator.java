package io.txtrain.core.policy;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A short-term hazard factor from executor health: how many times more likely than usual a
 * failure is right now.
 *
 * <p>Each health signal of each executor (heap, GC, task failures, GPU errors) has a severity in
 * [0, 1]: 0 below its threshold, rising linearly to 1 (see {@link #severities}). A signal at
 * severity {@code s} adds a failure rate of {@code s / horizon} to the usual {@code 1 / MTBF}, so
 * the factor is {@code min(maxFactor, 1 + s * MTBF / horizon)} for the largest current severity:
 * a warning matters more on a cluster that rarely fails than on one that fails every few minutes
 * anyway.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>the factor is always in [1, maxFactor]; it is exactly 1 while no signal has ever been
 *       above its threshold, and with {@code maxFactor = 1};</li>
 *   <li>a signal's severity rises at once to a higher reading; when readings fall (or stop) it
 *       decays with the configured half-life, so one good sample does not erase a warning and a
 *       warning does not last forever;</li>
 *   <li>{@link #dominantSignal} names the signal behind the current factor;</li>
 *   <li>time never runs backwards: a reading older than the newest one seen decays from then.</li>
 * </ul>
 * Thread-safe.
 */
public final class HazardEstimator {

    /** Below this severity a decayed signal is forgotten. */
    private static final double FORGET = 1e-3;

    private record Level(double severity, long atMillis, String detail) {
    }

    private final HazardSettings settings;
    private final Map<String, Level> levels = new HashMap<>();

    public HazardEstimator(HazardSettings settings) {
        this.settings = settings;
    }

    /** Takes the health readings observed at {@code nowMillis}. */
    public synchronized void observe(long nowMillis, Iterable<HealthReading> readings) {
        for (HealthReading r : readings) {
            double[] s = severities(r);
            raise(nowMillis, "heap@" + r.executorId(), s[0],
                    String.format(Locale.ROOT, "heap %.0f%% on executor %s", 100 * r.heapFraction(), r.executorId()));
            raise(nowMillis, "gc@" + r.executorId(), s[1],
                    String.format(Locale.ROOT, "GC %.0f%% on executor %s", 100 * r.gcFraction(), r.executorId()));
            raise(nowMillis, "tasks@" + r.executorId(), s[2],
                    r.taskFailures() + " task failure(s) on executor " + r.executorId());
            raise(nowMillis, "gpu@" + r.executorId(), s[3],
                    r.gpuErrors() + " GPU error(s) on executor " + r.executorId());
        }
    }

    /** Severities in [0, 1] of heap, GC, task failures and GPU errors for one reading. */
    double[] severities(HealthReading r) {
        double heapT = settings.heapThreshold();
        double gcT = settings.gcThreshold();
        double heap = Double.isNaN(r.heapFraction()) ? 0 : clamp((r.heapFraction() - heapT) / (1 - heapT));
        double gcFull = Math.min(1, 2 * gcT);
        double gc = Double.isNaN(r.gcFraction()) ? 0 : clamp((r.gcFraction() - gcT) / Math.max(1e-9, gcFull - gcT));
        double tasks = clamp(r.taskFailures() / settings.taskFailures());
        double gpu = r.gpuErrors() > 0 ? 1 : 0;
        return new double[] {heap, gc, tasks, gpu};
    }

    /** The hazard factor at {@code nowMillis} for the usual MTBF {@code mtbfSeconds}, in [1, maxFactor]. */
    public synchronized double factor(long nowMillis, double mtbfSeconds) {
        double s = maxSeverity(nowMillis);
        return s == 0 ? 1 : Math.min(settings.maxFactor(), 1 + s * mtbfSeconds / settings.horizonSeconds());
    }

    /** What moved the factor, e.g. {@code heap 97% on executor 1}; empty when it is 1. */
    public synchronized String dominantSignal(long nowMillis) {
        String best = "";
        double max = 0;
        for (Level l : levels.values()) {
            double s = decayed(l, nowMillis);
            if (s > max) {
                max = s;
                best = l.detail;
            }
        }
        return settings.maxFactor() > 1 ? best : "";
    }

    private double maxSeverity(long nowMillis) {
        double max = 0;
        for (Level l : levels.values()) {
            max = Math.max(max, decayed(l, nowMillis));
        }
        return max;
    }

    private void raise(long nowMillis, String key, double severity, String detail) {
        Level old = levels.get(key);
        double current = old == null ? 0 : decayed(old, nowMillis);
        if (severity > 0 && severity >= current) {
            levels.put(key, new Level(severity, Math.max(nowMillis, old == null ? nowMillis : old.atMillis), detail));
        } else if (old != null && current < FORGET) {
            levels.remove(key);
        }
    }

    private double decayed(Level l, long nowMillis) {
        double dt = Math.max(0, nowMillis - l.atMillis) / 1000.0;
        return l.severity * Math.pow(0.5, dt / settings.halfLifeSeconds());
    }

    private static double clamp(double v) {
        return Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
    }
}
