package io.txtrain.core.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Downsampling of the compact history: bounded, evenly spaced, first and last kept. */
class RunHistoryTest {
    static RoundRecord round(long n) {
        return new RoundRecord(n, 0, 0, 1, new long[] {1}, Map.of(), "00", 1, 0.5, new byte[32], n * 1000,
                Map.of());
    }

    @Test
    void downsamplingKeepsAtMostMaxEvenlyWithFirstAndLast() {
        List<RoundRecord> rounds = new ArrayList<>();
        for (long n = 1; n <= 10_001; n++) {
            rounds.add(round(n));
        }
        List<RoundRecord> d = RunHistory.downsample(rounds, 101);
        assertEquals(101, d.size());
        assertEquals(1, d.get(0).round());
        assertEquals(10_001, d.get(100).round());
        assertEquals(101, d.get(1).round());
        assertEquals(rounds.subList(0, 50), RunHistory.downsample(rounds.subList(0, 50), 101));
    }
}
