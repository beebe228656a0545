package io.txtrain.core.policy;

import static io.txtrain.core.policy.Decision.Action.CHECKPOINT;
import static io.txtrain.core.policy.Decision.Action.DEFER;
import static io.txtrain.core.policy.Decision.Action.NONE;
import static io.txtrain.core.policy.Decision.Action.SKIP;
import static io.txtrain.core.policy.Decision.Action.WAIT_FOR_PERSIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptiveCheckpointPolicyTest {

    private static final double PRIOR = 6 * 3600;

    /** Policy with the given overrides; the budget is relaxed to 50% unless overridden. */
    private static AdaptiveCheckpointPolicy policy(String... keyValues) {
        Map<String, String> conf = new HashMap<>();
        conf.put(AdaptivePolicySettings.OVERHEAD_BUDGET, "0.5");
        for (int i = 0; i < keyValues.length; i += 2) {
            conf.put(keyValues[i], keyValues[i + 1]);
        }
        return new AdaptiveCheckpointPolicy(AdaptivePolicySettings.fromConf(conf), 0);
    }

    private static AdaptiveCheckpointPolicy measured(double stall, double persist, String... keyValues) {
        AdaptiveCheckpointPolicy p = policy(keyValues);
        p.recordCheckpointCost(stall, persist);
        return p;
    }

    @Test
    void intervalIsYoungDalyOfMeasuredStallAndPrior() {
        AdaptiveCheckpointPolicy p = measured(5, 0);
        assertEquals(YoungDaly.intervalSeconds(5, PRIOR), p.intervalSeconds(0), 1e-9);
    }

    @Test
    void initialCostGuessIsUsedUntilACostIsMeasured() {
        AdaptiveCheckpointPolicy p = policy(AdaptivePolicySettings.INITIAL_COST, "20s");
        assertEquals(YoungDaly.intervalSeconds(20, PRIOR), p.intervalSeconds(0), 1e-9);
        Decision d = p.decide(In.since(1).build());
        assertEquals(20, d.checkpointCostSeconds(), 0);
    }

    @Test
    void costsAreSmoothedNotReplaced() {
        AdaptiveCheckpointPolicy p = measured(10, 0);
        p.recordCheckpointCost(20, 0);
        assertEquals(13, p.decide(In.since(1).build()).checkpointCostSeconds(), 1e-9);
    }

    @Test
    void intervalIsClampedToMinAndMax() {
        assertEquals(600, measured(1, 0, AdaptivePolicySettings.MIN_INTERVAL, "10m").intervalSeconds(0), 0);
        assertEquals(120, measured(5, 0, AdaptivePolicySettings.MAX_INTERVAL, "2m").intervalSeconds(0), 0);
    }

    @Test
    void overheadBudgetRaisesTheIntervalWhileNoFailureIsObserved() {
        AdaptiveCheckpointPolicy p = measured(5, 0, AdaptivePolicySettings.OVERHEAD_BUDGET, "0.01");
        assertTrue(YoungDaly.intervalSeconds(5, PRIOR) < 500);
        assertEquals(500, p.intervalSeconds(0), 1e-9); // 5 s stall / 1% budget
    }

    @Test
    void observedFailuresOverrideTheBudget() {
        AdaptiveCheckpointPolicy p = measured(5, 0, AdaptivePolicySettings.OVERHEAD_BUDGET, "0.01");
        p.recordFailure(3_600_000L, "executor lost");
        double mtbf = (PRIOR + 3600) / 2;
        assertEquals(YoungDaly.intervalSeconds(5, mtbf), p.intervalSeconds(3_600_000L), 1e-9);
        assertTrue(p.intervalSeconds(3_600_000L) < 500);
    }

    @Test
    void maxIntervalWinsOverTheBudget() {
        AdaptiveCheckpointPolicy p = measured(5, 0, AdaptivePolicySettings.OVERHEAD_BUDGET, "0.01",
                AdaptivePolicySettings.MAX_INTERVAL, "5m");
        assertEquals(300, p.intervalSeconds(0), 0);
    }

    @Test
    void intervalIsNeverShorterThanThePersist() {
        AdaptiveCheckpointPolicy p = measured(1, 400);
        assertTrue(YoungDaly.intervalSeconds(1, PRIOR) < 400);
        assertEquals(400, p.intervalSeconds(0), 1e-9);
    }

    @Test
    void failuresShortenTheInterval() {
        AdaptiveCheckpointPolicy p = measured(5, 0);
        double before = p.intervalSeconds(0);
        long t = 0;
        for (int i = 0; i < 40; i++) {
            t += 900_000L;
            p.recordFailure(t, "node lost");
        }
        double after = p.intervalSeconds(t);
        assertTrue(after < before / 2, "before " + before + " after " + after);
        assertEquals(YoungDaly.intervalSeconds(5, p.mtbfEstimator().mtbfSeconds(t)), after, 1e-9);
    }

    @Test
    void checkpointsAtTheNearestRoundBoundaryToTheInterval() {
        AdaptiveCheckpointPolicy p = measured(5, 0);
        double interval = p.intervalSeconds(0);
        assertEquals(NONE, p.decide(In.since(interval - 6).lastRound(10).build()).action());
        Decision due = p.decide(In.since(interval - 4).lastRound(10).build());
        assertEquals(CHECKPOINT, due.action());
        assertEquals(interval, due.currentIntervalSeconds(), 1e-9);
        assertEquals(NONE, p.decide(In.since(interval / 2).build()).action());
    }

    @Test
    void nothingUncheckpointedMeansNoCheckpoint() {
        AdaptiveCheckpointPolicy p = measured(5, 0);
        assertEquals(NONE, p.decide(In.since(1e6).rounds(0).lost().build()).action());
    }

    @Test
    void saturationDefersADueCheckpointByAtMostTheSlack() {
        AdaptiveCheckpointPolicy p = measured(5, 0);
        double interval = p.intervalSeconds(0);
        assertEquals(DEFER, p.decide(In.since(interval).load(0.95).build()).action());
        assertEquals(CHECKPOINT, p.decide(In.since(interval).load(0.89).build()).action());
        assertEquals(CHECKPOINT, p.decide(In.since(interval).build()).action(), "unknown load never defers");

        double since = 0;
        Decision d;
        do {
            since += 1;
            d = p.decide(In.since(since).load(1.0).build());
        } while (d.action() != CHECKPOINT);
        assertTrue(since <= 1.25 * interval + 1, "deferred until " + since + " for interval " + interval);
        assertTrue(since >= 1.25 * interval - 1);
        assertTrue(d.reason().contains("deferral"), d.reason());
    }

    @Test
    void saturationThresholdAndSlackAreConfigurable() {
        AdaptiveCheckpointPolicy p = measured(5, 0, AdaptivePolicySettings.SATURATION, "0.5",
                AdaptivePolicySettings.DEFER_SLACK, "1.0");
        double interval = p.intervalSeconds(0);
        assertEquals(DEFER, p.decide(In.since(1.9 * interval).load(0.5).build()).action());
        assertEquals(CHECKPOINT, p.decide(In.since(2.0 * interval).load(0.5).build()).action());
    }

    @Test
    void executorLossTriggersAnEarlyCheckpoint() {
        AdaptiveCheckpointPolicy p = measured(5, 0);
        assertEquals(NONE, p.decide(In.since(30).build()).action());
        Decision d = p.decide(In.since(30).lost().build());
        assertEquals(CHECKPOINT, d.action());
        assertTrue(d.reason().contains("executor lost"), d.reason());
        assertEquals(CHECKPOINT, p.decide(In.since(30).lost().load(1.0).build()).action(), "load does not defer it");
        assertEquals(NONE, p.decide(In.since(3).lost().build()).action(), "less work than one stall");
    }

    @Test
    void epochBoundaryTriggersAnEarlyCheckpointAfterHalfTheInterval() {
        AdaptiveCheckpointPolicy p = measured(5, 0);
        double interval = p.intervalSeconds(0);
        assertEquals(NONE, p.decide(In.since(0.4 * interval).epoch().build()).action());
        Decision d = p.decide(In.since(0.6 * interval).epoch().build());
        assertEquals(CHECKPOINT, d.action());
        assertEquals("epoch boundary", d.reason());
        assertEquals(NONE, p.decide(In.since(0.6 * interval).build()).action());
        assertEquals(DEFER, p.decide(In.since(0.6 * interval).epoch().load(0.95).build()).action());
    }

    @Test
    void duePersistInFlightSkipsThenWaits() {
        AdaptiveCheckpointPolicy p = measured(5, 0);
        double interval = p.intervalSeconds(0);
        assertEquals(NONE, p.decide(In.since(interval / 3).inFlight().build()).action());
        assertEquals(SKIP, p.decide(In.since(interval).inFlight().build()).action());
        assertEquals(SKIP, p.decide(In.since(1.9 * interval).inFlight().build()).action());
        Decision wait = p.decide(In.since(2 * interval).inFlight().build());
        assertEquals(WAIT_FOR_PERSIST, wait.action());
        assertTrue(wait.takesCheckpoint());
        assertEquals(SKIP, p.decide(In.since(0.6 * interval).epoch().inFlight().build()).action());
        assertEquals(SKIP, p.decide(In.since(30).lost().inFlight().build()).action());
    }

    @Test
    void decisionsAreDeterministic() {
        AdaptiveCheckpointPolicy a = measured(5, 2);
        AdaptiveCheckpointPolicy b = measured(5, 2);
        for (int i = 1; i < 2000; i++) {
            long now = i * 1000L;
            if (i % 700 == 0) {
                a.recordFailure(now, "x");
                b.recordFailure(now, "x");
            }
            PolicyInput in = In.since(i % 600).now(now).epoch().build();
            assertEquals(a.decide(in), b.decide(in));
        }
    }

    @Test
    void rejectsInvalidCosts() {
        AdaptiveCheckpointPolicy p = policy();
        assertThrows(IllegalArgumentException.class, () -> p.recordCheckpointCost(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> p.recordCheckpointCost(1, Double.NaN));
    }

    @Test
    void logLineIsOneLineWithAllInputs() {
        AdaptiveCheckpointPolicy p = measured(5, 0);
        PolicyInput in = new PolicyInput(7, 123_456L, 42.5, 17, 2.5, true, true, 0.95, true);
        String line = p.decide(in).logLine();
        assertFalse(line.contains("\n"));
        for (String part : new String[] {"adaptive", "SKIP", "round=7", "now=123456", "sinceLastCheckpoint=42.5s/17 rounds",
            "lastRound=2.50s", "epochBoundary=true", "persistInFlight=true", "load=0.95", "executorLost=true",
            "interval=", "mtbf=6.03h", "cost=5.0s"}) {
            assertTrue(line.contains(part), "missing '" + part + "' in: " + line);
        }
    }
}
