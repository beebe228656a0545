package io.txtrain.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class YoungDalyTest {

    private static final double MIN = 60;
    private static final double HOUR = 3600;

    @Test
    void fiveMinuteCheckpointAtDailyFailuresIsAbout117Minutes() {
        assertEquals(116.7, YoungDaly.intervalSeconds(5 * MIN, 24 * HOUR) / MIN, 0.1);
    }

    @Test
    void fiveMinuteCheckpointAtSixHourMtbfIsAbout57Minutes() {
        assertEquals(56.7, YoungDaly.intervalSeconds(5 * MIN, 6 * HOUR) / MIN, 0.1);
    }

    @Test
    void fiveMinuteCheckpointAtFifteenMinuteMtbfIsAbout9Minutes() {
        assertEquals(9.14, YoungDaly.intervalSeconds(5 * MIN, 15 * MIN) / MIN, 0.02);
    }

    @Test
    void costAtLeastTwiceTheMtbfGivesTheMtbf() {
        assertEquals(50, YoungDaly.intervalSeconds(100, 50), 0);
        assertEquals(40, YoungDaly.intervalSeconds(100, 40), 0);
        assertEquals(1000, YoungDaly.intervalSeconds(2000, 1000), 0);
    }

    @Test
    void smallCostApproachesYoung() {
        double young = Math.sqrt(2 * 1.0 * 1e6);
        assertEquals(young, YoungDaly.intervalSeconds(1, 1e6), young * 1e-3);
    }

    @Test
    void growsWithMtbfAndWithCost() {
        assertTrue(YoungDaly.intervalSeconds(10, 7200) > YoungDaly.intervalSeconds(10, 3600));
        assertTrue(YoungDaly.intervalSeconds(20, 3600) > YoungDaly.intervalSeconds(10, 3600));
    }

    @Test
    void rejectsNonPositiveOrNonFiniteInputs() {
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> YoungDaly.intervalSeconds(bad, 3600));
            assertThrows(IllegalArgumentException.class, () -> YoungDaly.intervalSeconds(10, bad));
        }
    }
}
