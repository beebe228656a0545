package io.txtrain.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AdaptivePolicySettingsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        AdaptivePolicySettings d = AdaptivePolicySettings.defaults();
        assertEquals(0.01, d.overheadBudget());
        assertEquals(6 * 3600, d.mtbfPriorSeconds());
        assertEquals(1, d.mtbfPriorWeight());
        assertEquals(60, d.burstWindowSeconds());
        assertEquals(10, d.minIntervalSeconds());
        assertEquals(3600, d.maxIntervalSeconds());
        assertEquals(0.9, d.saturation());
        assertEquals(0.25, d.deferSlack());
        assertEquals(0.5, d.epochEarlyFraction());
        assertEquals(10, d.initialCheckpointCostSeconds());
        assertEquals(d, AdaptivePolicySettings.fromConf(Map.of()));
    }

    @Test
    void readsEveryKey() {
        AdaptivePolicySettings s = AdaptivePolicySettings.fromConf(Map.of(
                AdaptivePolicySettings.OVERHEAD_BUDGET, "0.05",
                AdaptivePolicySettings.MTBF_PRIOR, "2h",
                AdaptivePolicySettings.MTBF_PRIOR_WEIGHT, "3",
                AdaptivePolicySettings.BURST_WINDOW, "90s",
                AdaptivePolicySettings.MIN_INTERVAL, "30",
                AdaptivePolicySettings.MAX_INTERVAL, "2h",
                AdaptivePolicySettings.SATURATION, "0.8",
                AdaptivePolicySettings.DEFER_SLACK, "0.5",
                AdaptivePolicySettings.EPOCH_EARLY_FRACTION, "0.75",
                AdaptivePolicySettings.INITIAL_COST, "1m"));
        assertEquals(new AdaptivePolicySettings(0.05, 7200, 3, 90, 30, 7200, 0.8, 0.5, 0.75, 60), s);
    }

    @Test
    void badValuesNameKeyAndValue() {
        assertBad(AdaptivePolicySettings.OVERHEAD_BUDGET, "0", "a fraction in (0, 1)");
        assertBad(AdaptivePolicySettings.OVERHEAD_BUDGET, "1.5", "a fraction in (0, 1)");
        assertBad(AdaptivePolicySettings.OVERHEAD_BUDGET, "one percent", "a fraction in (0, 1)");
        assertBad(AdaptivePolicySettings.MTBF_PRIOR, "soon", "a duration > 0");
        assertBad(AdaptivePolicySettings.MTBF_PRIOR, "0h", "a duration > 0");
        assertBad(AdaptivePolicySettings.MTBF_PRIOR_WEIGHT, "0", "a number > 0");
        assertBad(AdaptivePolicySettings.BURST_WINDOW, "-5s", "a duration >= 0");
        assertBad(AdaptivePolicySettings.MIN_INTERVAL, "0", "a duration > 0");
        assertBad(AdaptivePolicySettings.MAX_INTERVAL, "5s",
                "a duration >= spark.txtrain.checkpoint.minInterval (10.0s)");
        assertBad(AdaptivePolicySettings.SATURATION, "0", "a fraction in (0, 1]");
        assertBad(AdaptivePolicySettings.DEFER_SLACK, "-0.1", "a number >= 0");
        assertBad(AdaptivePolicySettings.EPOCH_EARLY_FRACTION, "1.01", "a fraction in (0, 1]");
        assertBad(AdaptivePolicySettings.INITIAL_COST, "NaN", "a duration > 0");
    }

    @Test
    void constructorValidatesToo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AdaptivePolicySettings(0.01, 21600, 1, 60, 100, 50, 0.9, 0.25, 0.5, 10));
        assertTrue(e.getMessage().startsWith(AdaptivePolicySettings.MAX_INTERVAL + " = 50.0s: expected"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new AdaptivePolicySettings(Double.NaN, 21600, 1, 60, 10, 3600, 0.9, 0.25, 0.5, 10));
    }

    private static void assertBad(String key, String value, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdaptivePolicySettings.fromConf(Map.of(key, value)));
        String m = e.getMessage();
        assertTrue(m.startsWith(key + " = '" + value + "': expected " + expected), m);
    }
}
