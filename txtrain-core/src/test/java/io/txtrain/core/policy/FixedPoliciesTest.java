package io.txtrain.core.policy;

import static io.txtrain.core.policy.Decision.Action.CHECKPOINT;
import static io.txtrain.core.policy.Decision.Action.NONE;
import static io.txtrain.core.policy.Decision.Action.SKIP;
import static io.txtrain.core.policy.Decision.Action.WAIT_FOR_PERSIST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FixedPoliciesTest {

    @Test
    void everyRoundsCheckpointsEveryNRounds() {
        EveryRoundsPolicy p = new EveryRoundsPolicy(3);
        assertEquals(NONE, p.decide(In.since(100).rounds(1).build()).action());
        assertEquals(NONE, p.decide(In.since(100).rounds(2).build()).action());
        assertEquals(CHECKPOINT, p.decide(In.since(0.5).rounds(3).build()).action());
        assertEquals(CHECKPOINT, p.decide(In.since(0.5).rounds(3).epoch().load(1).lost().build()).action());
        assertEquals(SKIP, p.decide(In.since(1).rounds(5).inFlight().build()).action());
        assertEquals(WAIT_FOR_PERSIST, p.decide(In.since(1).rounds(6).inFlight().build()).action());
        assertEquals("every-rounds:3", p.name());
    }

    @Test
    void everySecondsCheckpointsEveryTSeconds() {
        EverySecondsPolicy p = new EverySecondsPolicy(30);
        assertEquals(NONE, p.decide(In.since(29.9).build()).action());
        Decision d = p.decide(In.since(30).build());
        assertEquals(CHECKPOINT, d.action());
        assertEquals(30, d.currentIntervalSeconds(), 0);
        assertEquals(SKIP, p.decide(In.since(59).inFlight().build()).action());
        assertEquals(WAIT_FOR_PERSIST, p.decide(In.since(60).inFlight().build()).action());
        assertEquals("every-seconds:30s", p.name());
        assertEquals("every-seconds:5m", new EverySecondsPolicy(300).name());
    }

    @Test
    void offNeverCheckpoints() {
        NoCheckpointPolicy p = new NoCheckpointPolicy();
        assertEquals(NONE, p.decide(In.since(1e7).rounds(1_000_000).epoch().lost().build()).action());
        p.recordFailure(1, "ignored");
        p.recordCheckpointCost(1, 1);
        assertTrue(p.decide(In.since(1).build()).logLine().contains("checkpointing off"));
    }

    @Test
    void fixedPoliciesValidateTheirParameter() {
        assertThrows(IllegalArgumentException.class, () -> new EveryRoundsPolicy(0));
        assertThrows(IllegalArgumentException.class, () -> new EverySecondsPolicy(0));
        assertThrows(IllegalArgumentException.class, () -> new EverySecondsPolicy(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new EverySecondsPolicy(1).recordCheckpointCost(-1, 0));
    }

    @Test
    void inputRejectsImpossibleValues() {
        assertThrows(IllegalArgumentException.class, () -> In.since(-1).build());
        assertThrows(IllegalArgumentException.class, () -> In.since(1).load(1.5).build());
        assertThrows(IllegalArgumentException.class, () -> In.since(1).rounds(-1).build());
    }
}
