package io.txtrain.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.txtrain.bench.PolicySimulation.Result;
import io.txtrain.bench.PolicySimulation.Run;
import io.txtrain.bench.PolicySimulation.Trace;
import io.txtrain.bench.PolicySimulation.Warnings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulator's accounting of lost work with and without notices (one seed, 7 days of work). */
class PolicySimulationTest {

    private static final Trace HOURLY = Trace.poisson(3600, 10, 0, 2);
    private static final Trace ASYNC = Trace.poisson(3600, 15, 45, 2);

    @Test
    void withoutNoticesAllLostWorkIsUnannounced() {
        Result r = new Run(HOURLY, Warnings.NONE, PolicySimulation.adaptive(), 1000).run();
        assertTrue(r.failures() > 100, "failures: " + r.failures());
        assertTrue(r.lost() > 0);
        assertEquals(r.lost(), r.lostUnannounced(), 1e-9);
    }

    @Test
    void whenEveryFailureIsAnnouncedNoneIsUnannouncedAndTheNoticesSaveWork() {
        Warnings all = new Warnings(1, 0, 0);
        Result noticed = new Run(HOURLY, all, PolicySimulation.adaptive(), 1000).run();
        Result blind = new Run(HOURLY, Warnings.NONE, PolicySimulation.adaptive(), 1000).run();
        assertEquals(0, noticed.lostUnannounced(), 1e-9);
        assertTrue(noticed.lost() < 0.3 * blind.lost(), noticed + " vs " + blind);
    }

    @Test
    void aNoticeCheckpointProtectsOnlyOnceItsPersistIsDone() {
        // 15 s stall + 45 s persist: notices 5-120 s ahead, so about half of them come too late
        // for the checkpoint they trigger to be durable before the failure.
        Warnings all = new Warnings(1, 0, 0);
        Result noticed = new Run(ASYNC, all, PolicySimulation.adaptive(), 1000).run();
        Result blind = new Run(ASYNC, Warnings.NONE, PolicySimulation.adaptive(), 1000).run();
        // Counted durable at the end of its stall, it would save about as much as with 10 s sync
        // checkpoints (lost work below 30% of the blind run's); not counted at all, about nothing.
        assertTrue(noticed.lost() > 0.4 * blind.lost(), noticed + " vs " + blind);
        assertTrue(noticed.lost() < 0.85 * blind.lost(), noticed + " vs " + blind);
    }

    @Test
    void anIntervalCapComesFromTheSettingsOverride() {
        Result capped = new Run(HOURLY, Warnings.NONE,
                PolicySimulation.adaptive(Map.of("spark.txtrain.checkpoint.maxInterval", "60s")), 1000).run();
        Result free = new Run(HOURLY, Warnings.NONE, PolicySimulation.adaptive(), 1000).run();
        assertTrue(capped.checkpoints() > 2 * free.checkpoints(), capped + " vs " + free);
        assertTrue(capped.lost() < free.lost(), capped + " vs " + free);
    }
}
