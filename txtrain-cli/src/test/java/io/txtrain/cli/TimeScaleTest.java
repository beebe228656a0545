package io.txtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The report's time axis: idle stretches are cut out, and the mapping stays monotonic. */
class TimeScaleTest {
    static final ZoneId UTC = ZoneId.of("UTC");

    @Test
    void anIdleStretchIsCutOutAndTimeStillMapsMonotonically() {
        List<Long> times = new ArrayList<>();
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < 60; i++) {
            times.add(t0 + i * 2_000L); // two minutes of rounds
        }
        for (int i = 0; i < 60; i++) {
            times.add(t0 + 3 * 3_600_000L + i * 2_000L); // three hours later, two more
        }
        Scales.Time time = Scales.Time.of(times, 60_000, 64, 1052, UTC);
        assertEquals(1, time.gaps().size());
        Scales.Time.Gap g = time.gaps().get(0);
        assertEquals(Scales.Time.GAP, g.x1() - g.x0(), 1e-6);
        double last = Double.NEGATIVE_INFINITY;
        for (long t = t0 - 10_000; t < t0 + 3 * 3_600_000L + 130_000; t += 7_000) {
            double x = time.x(t);
            assertTrue(x > last, "monotonic at " + t);
            last = x;
        }
        assertTrue(time.x(t0) > 64 && time.x(times.get(times.size() - 1)) < 1052);
        // both stretches get about half of the width, though one is 90 times shorter than the gap
        double first = time.x(t0 + 118_000) - time.x(t0);
        double second = time.x(times.get(times.size() - 1)) - time.x(times.get(60));
        assertEquals(first, second, 1.0);
        assertTrue(first > 400, "readable: " + first);
        assertTrue(time.ticks(84).size() >= 6, "ticks in both stretches: " + time.ticks(84));
    }

    @Test
    void withoutIdleStretchesTheAxisIsContinuous() {
        Scales.Time time = Scales.Time.of(List.of(0L, 30_000L, 61_000L), 60_000, 0, 1000, UTC);
        assertTrue(time.gaps().isEmpty());
        assertEquals(time.x(30_000) - time.x(0), time.x(60_000) - time.x(30_000), 1e-6);
        assertEquals("00:00:30", time.label(30_000, 10_000));
    }
}
