package io.txtrain.core.policy;

import static io.txtrain.core.policy.Decision.Action.CHECKPOINT;
import static io.txtrain.core.policy.Decision.Action.NONE;
import static io.txtrain.core.policy.Decision.Action.SKIP;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The adaptive policy's reaction to executor notices and to executor health. */
class NoticeAndHazardPolicyTest {

    private static final double PRIOR = 6 * 3600;

    private static AdaptiveCheckpointPolicy policy(double stall) {
        AdaptiveCheckpointPolicy p = new AdaptiveCheckpointPolicy(AdaptivePolicySettings.defaults(),
                HazardSettings.defaults(), 0);
        p.recordCheckpointCost(stall, 0);
        return p;
    }

    private static HealthReading heap(String id, double fraction) {
        return new HealthReading(id, fraction, 0, 0, 0);
    }

    @Test
    void aNoticeCheckpointsAtTheNextRoundBoundaryRegardlessOfIntervalAndLoad() {
        AdaptiveCheckpointPolicy p = policy(2);
        assertEquals(NONE, p.decide(In.since(30).now(30_000).load(1).build()).action());
        double normal = p.intervalSeconds(32_000);
        p.recordNotice(31_000, "3", "decommissioning");
        Decision d = p.decide(In.since(32).now(32_000).load(1).build());
        assertEquals(CHECKPOINT, d.action(), d.logLine());
        assertEquals("executor decommissioning: 3", d.reason());
        assertTrue(normal > 32, "far from due without the notice: " + normal);
        // served: the next round is back to the interval
        assertEquals(NONE, p.decide(In.since(1).now(33_000).build()).action());
        assertTrue(p.pendingNotices().isEmpty());
    }

    @Test
    void withinTheNoticeWindowTheIntervalExpectsTheFailure() {
        AdaptiveCheckpointPolicy p = policy(2);
        double normal = p.intervalSeconds(10_000);
        p.recordNotice(10_000, "3", "decommissioning");
        assertEquals(YoungDaly.intervalSeconds(2, 60), p.intervalSeconds(10_000), 1e-9);
        assertEquals(YoungDaly.intervalSeconds(2, 60), p.intervalSeconds(129_999), 1e-9);
        assertEquals(normal, p.intervalSeconds(130_000), normal * 0.01); // window of 120 s over
        p.recordNotice(200_000, "4", "JVM shutdown");
        assertEquals(YoungDaly.intervalSeconds(2, 60), p.intervalSeconds(201_000), 1e-9);
        p.recordFailure(202_000, "executor 4 lost"); // the announced failure came
        assertTrue(p.intervalSeconds(203_000) > 4 * YoungDaly.intervalSeconds(2, 60));
    }

    @Test
    void aNoticeDoesNotCheckpointWorkCheaperToRedoThanToSave() {
        AdaptiveCheckpointPolicy p = policy(5);
        p.recordNotice(1_000, "1", "decommissioning");
        assertEquals(NONE, p.decide(In.since(3).now(3_000).build()).action());
        assertEquals(NONE, p.decide(In.since(0).rounds(0).now(3_000).build()).action());
        // the notice stays pending until enough work is at risk
        Decision d = p.decide(In.since(6).now(6_000).build());
        assertEquals(CHECKPOINT, d.action());
        assertEquals("executor decommissioning: 1", d.reason());
    }

    @Test
    void aNoticeNeverStartsASecondPersist() {
        AdaptiveCheckpointPolicy p = policy(1);
        p.recordNotice(1_000, "1", "decommissioning");
        p.recordNotice(1_500, "2", "shutdown");
        Decision d = p.decide(In.since(5).now(5_000).inFlight().build());
        assertEquals(SKIP, d.action());
        assertEquals(List.of("1", "2"), List.copyOf(new java.util.TreeSet<>(p.pendingNotices())));
        d = p.decide(In.since(6).now(6_000).build());
        assertEquals(CHECKPOINT, d.action());
        assertEquals("executor decommissioning: 1, 2", d.reason());
    }

    @Test
    void aFullHeapShortensTheIntervalWithACapAndTheLogSaysWhy() {
        AdaptiveCheckpointPolicy p = policy(5);
        double normal = p.intervalSeconds(0);
        assertEquals(Math.max(YoungDaly.intervalSeconds(5, PRIOR), 5 / 0.01), normal, 1e-9);
        p.recordHealth(1_000, List.of(heap("1", 0.5), heap("2", 0.85 + 0.15 * 0.1)));
        double m = PRIOR + 1;
        // severity 0.1: the rate of failing within the 10 min horizon, added to 1 / MTBF
        assertEquals(1 + 0.1 * m / 600, p.hazardFactor(1_000), 1e-6);
        double f = p.hazardFactor(1_000);
        assertEquals(Math.max(YoungDaly.intervalSeconds(5, m / f), 5 / (0.01 * f)), p.intervalSeconds(1_000), 1e-6);
        assertTrue(p.intervalSeconds(1_000) < normal / 2, p.intervalSeconds(1_000) + " vs " + normal);
        Decision d = p.decide(In.since(1).now(1_000).build());
        assertEquals("heap 87% on executor 2", d.hazardSignal());
        assertTrue(d.logLine().contains(String.format(java.util.Locale.ROOT, "hazard=x%.2f (heap 87%% on executor 2)", f)),
                d.logLine());
        // A saturated signal: 1 + MTBF / horizon, unless maxFactor caps it.
        p.recordHealth(1_000, List.of(new HealthReading("2", 1, 1, 50, 9)));
        assertEquals(1 + m / 600, p.hazardFactor(1_000), 1e-9);
        AdaptiveCheckpointPolicy capped = new AdaptiveCheckpointPolicy(AdaptivePolicySettings.defaults(),
                HazardSettings.fromConf(Map.of(HazardSettings.MAX_FACTOR, "20")), 0);
        capped.recordCheckpointCost(5, 0);
        capped.recordHealth(1_000, List.of(new HealthReading("2", 1, 1, 50, 9)));
        assertEquals(20, capped.hazardFactor(1_000), 1e-9);
        assertEquals(Math.max(YoungDaly.intervalSeconds(5, m / 20), 5 / (0.01 * 20)), capped.intervalSeconds(1_000),
                1e-6);
    }

    @Test
    void aWarningWeighsLessWhereFailuresAreFrequentAnyway() {
        AdaptiveCheckpointPolicy frequent = new AdaptiveCheckpointPolicy(AdaptivePolicySettings.defaults(),
                HazardSettings.defaults(), 0);
        for (int i = 1; i <= 20; i++) {
            frequent.recordFailure(i * 900_000L, "executor lost");
        }
        long now = 20 * 900_000L;
        double m = frequent.mtbfEstimator().mtbfSeconds(now);
        frequent.recordHealth(now, List.of(heap("1", 1.0)));
        assertEquals(1 + m / 600, frequent.hazardFactor(now), 1e-9);
        AdaptiveCheckpointPolicy rare = new AdaptiveCheckpointPolicy(AdaptivePolicySettings.defaults(),
                HazardSettings.defaults(), 0);
        rare.recordHealth(now, List.of(heap("1", 1.0)));
        assertTrue(rare.hazardFactor(now) > 5 * frequent.hazardFactor(now),
                "MTBF " + m + " s: factor " + frequent.hazardFactor(now) + ", without failures " + rare.hazardFactor(now));
    }

    @Test
    void nothingWrongKeepsTheIntervalAndTheBudget() {
        AdaptiveCheckpointPolicy p = policy(5);
        double normal = p.intervalSeconds(0);
        p.recordHealth(1_000, List.of(new HealthReading("1", 0.6, 0.05, 0, 0),
                new HealthReading("2", Double.NaN, Double.NaN, 0, 0)));
        assertEquals(1, p.hazardFactor(1_000), 0);
        assertEquals(normal, p.intervalSeconds(1_000), 1e-9);
        assertEquals("", p.decide(In.since(1).now(1_000).build()).hazardSignal());
    }

    @Test
    void theHazardDecaysWithItsHalfLifeOnceTheSignalIsGone() {
        HazardEstimator h = new HazardEstimator(new HazardSettings(100, 600, 60, 0.8, 0.3, 3, 120));
        h.observe(0, List.of(heap("1", 1.0)));
        assertEquals(5, h.factor(0, 2400), 1e-9);
        h.observe(10_000, List.of(heap("1", 0.5))); // a good sample does not erase the warning
        assertEquals(1 + 4 * Math.pow(0.5, 10 / 60.0), h.factor(10_000, 2400), 1e-9);
        assertEquals(1 + 4 * 0.5, h.factor(60_000, 2400), 1e-9);
        assertTrue(h.factor(20 * 60_000, 2400) < 1.001);
        h.observe(20 * 60_000, List.of(heap("1", 0.5)));
        assertEquals("", h.dominantSignal(20 * 60_000));
        assertEquals(1, h.factor(20 * 60_000, 2400), 0);
    }

    @Test
    void eachSignalRisesFromItsThreshold() {
        HazardEstimator h = new HazardEstimator(new HazardSettings(10, 600, 60, 0.8, 0.25, 4, 120));
        assertSeverities(h, new HealthReading("1", 0.9, 0.375, 2, 0), 0.5, 0.5, 0.5, 0);
        assertSeverities(h, new HealthReading("1", 0.8, 0.25, 0, 1), 0, 0, 0, 1);
        assertSeverities(h, new HealthReading("1", 1, 0.9, 8, 0), 1, 1, 1, 0);
        h.observe(0, List.of(new HealthReading("7", 0.5, 0.6, 0, 0)));
        assertEquals("GC 60% on executor 7", h.dominantSignal(0));
    }

    private static void assertSeverities(HazardEstimator h, HealthReading r, double... expected) {
        double[] s = h.severities(r);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], s[i], 1e-9, "signal " + i + " of " + r);
        }
    }

    @Test
    void maxFactorOneTurnsHealthOff() {
        AdaptiveCheckpointPolicy p = new AdaptiveCheckpointPolicy(AdaptivePolicySettings.defaults(),
                HazardSettings.fromConf(Map.of(HazardSettings.MAX_FACTOR, "1")), 0);
        p.recordHealth(0, List.of(heap("1", 1)));
        assertEquals(1, p.hazardFactor(0), 0);
        assertEquals("", p.hazardSignal(0));
    }

    @Test
    void badHazardSettingsNameTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HazardSettings.fromConf(Map.of(HazardSettings.MAX_FACTOR, "0.5")));
        assertEquals("spark.txtrain.hazard.maxFactor = '0.5': expected a number >= 1 (1 turns health signals off)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> HazardSettings.fromConf(Map.of(HazardSettings.HALF_LIFE, "soon")));
        assertTrue(e.getMessage().startsWith("spark.txtrain.hazard.halfLife = 'soon': expected a duration > 0"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointPolicies.fromConf(Map.of(HazardSettings.HEAP_THRESHOLD, "1.2"), 0));
        assertEquals("spark.txtrain.hazard.heapThreshold = '1.2': expected a fraction in (0, 1)", e.getMessage());
    }
}
