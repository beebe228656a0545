package io.txtrain.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CheckpointPoliciesTest {

    private static final String KEY = CheckpointPolicies.POLICY;
    private static final AdaptivePolicySettings DEFAULTS = AdaptivePolicySettings.defaults();

    private static CheckpointPolicy parse(String value) {
        return CheckpointPolicies.parse(KEY, value, DEFAULTS, 0);
    }

    @Test
    void parsesEveryForm() {
        assertInstanceOf(AdaptiveCheckpointPolicy.class, parse("adaptive"));
        assertInstanceOf(AdaptiveCheckpointPolicy.class, parse("  Adaptive "));
        assertInstanceOf(NoCheckpointPolicy.class, parse("off"));
        assertEquals(5, ((EveryRoundsPolicy) parse("every-rounds:5")).rounds());
        assertEquals(30, ((EverySecondsPolicy) parse("every-seconds:30")).seconds(), 0);
        assertEquals(30, ((EverySecondsPolicy) parse("every-seconds:30s")).seconds(), 0);
        assertEquals(300, ((EverySecondsPolicy) parse("every-seconds:5m")).seconds(), 0);
        assertEquals(3600, ((EverySecondsPolicy) parse("every-seconds:1h")).seconds(), 0);
        assertEquals(5400, ((EverySecondsPolicy) parse("every-seconds:1.5h")).seconds(), 0);
        assertEquals(0.5, ((EverySecondsPolicy) parse("every-seconds:500ms")).seconds(), 0);
    }

    @Test
    void specRecordsTheParameters() {
        assertEquals(new PolicySpec(PolicySpec.Kind.EVERY_ROUNDS, 12, 0), PolicySpec.parse(KEY, "every-rounds:12"));
        assertEquals(new PolicySpec(PolicySpec.Kind.EVERY_SECONDS, 0, 120), PolicySpec.parse(KEY, "every-seconds:2m"));
    }

    @Test
    void badValuesNameKeyValueAndAllowedForms() {
        for (String bad : new String[] {"every-rounds:x", "every-rounds:0", "every-rounds:-2", "every-rounds:",
            "every-seconds:0", "every-seconds:-3", "every-seconds:abc", "every-seconds:5y", "sometimes", "", "on"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(bad));
            String m = e.getMessage();
            assertTrue(m.startsWith(KEY + " = '" + bad + "': expected "), m);
            assertTrue(m.contains("adaptive | every-rounds:N (N >= 1) | every-seconds:T (T > 0"), m);
            assertTrue(m.endsWith("| off"), m);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(null));
        assertTrue(e.getMessage().contains(KEY + " = 'null'"), e.getMessage());
    }

    @Test
    void exampleMessageFromTheSpec() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("every-rounds:x"));
        assertEquals("spark.txtrain.checkpoint.policy = 'every-rounds:x': expected adaptive | every-rounds:N (N >= 1)"
                + " | every-seconds:T (T > 0, e.g. 90, 30s, 5m, 1h) | off", e.getMessage());
    }

    @Test
    void fromConfDefaultsToAdaptiveWithConfiguredSettings() {
        CheckpointPolicy p = CheckpointPolicies.fromConf(Map.of(AdaptivePolicySettings.MAX_INTERVAL, "2m"), 0);
        assertInstanceOf(AdaptiveCheckpointPolicy.class, p);
        assertEquals(120, ((AdaptiveCheckpointPolicy) p).intervalSeconds(0), 0);
        assertInstanceOf(EveryRoundsPolicy.class, CheckpointPolicies.fromConf(Map.of(KEY, "every-rounds:3"), 0));
    }

    @Test
    void fromConfRejectsBadSettingsOfTheAdaptivePolicy() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointPolicies.fromConf(Map.of(AdaptivePolicySettings.OVERHEAD_BUDGET, "2"), 0));
        assertTrue(e.getMessage().startsWith("spark.txtrain.checkpoint.overheadBudget = '2': expected"), e.getMessage());
    }
}
