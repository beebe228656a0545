package io.txtrain.campaign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The campaign's schedule: every kind equally often (±1), in a seeded random order. */
class FaultScheduleTest {
    @Test
    void everyKindComesEquallyOftenInSeededOrder() {
        List<FaultKind> kinds = Arrays.asList(FaultKind.values());
        List<FaultKind> plan = FaultCampaign.schedule(kinds, 30, new Random(1));
        assertEquals(30, plan.size());
        Map<FaultKind, Integer> count = new EnumMap<>(FaultKind.class);
        plan.forEach(k -> count.merge(k, 1, Integer::sum));
        assertEquals(kinds.size(), count.size(), "every kind at least once");
        int min = count.values().stream().min(Integer::compare).orElseThrow();
        int max = count.values().stream().max(Integer::compare).orElseThrow();
        assertTrue(max - min <= 1, count.toString());
        assertEquals(plan, FaultCampaign.schedule(kinds, 30, new Random(1)), "same seed, same plan");
        assertNotEquals(plan, FaultCampaign.schedule(kinds, 30, new Random(2)));
    }
}
