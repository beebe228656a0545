package io.txtrain.core.recovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.log.RoundRecord;

/**
 * A directory written by an earlier txtrain (identity with {@code nd4j.backend}, without
 * {@code numerics.pinning}, rounds without an environment) resumes under this one; a changed
 * attribute, or any other attribute only one side has, still fails (docs/PROTOCOL.md §6).
 */
class RunIdentityCompatibilityTest {
    @TempDir
    Path tmp;

    static final java.util.Set<String> VERSIONED = java.util.Set.of("nd4j.backend", "numerics.pinning");

    private OpenRun open(Path dir, Map<String, String> identity) throws Exception {
        return RecoveryDirectory.open(dir.toUri(), new Configuration(), CoreSettings.DEFAULTS, identity, VERSIONED,
                "test", CheckpointListener.NONE);
    }

    @Test
    void versionedAttributesOnlyOneSideRecordsAreNotCompared() throws Exception {
        Path dir = tmp.resolve("old");
        try (OpenRun run = open(dir, Map.of("data.fingerprint", "d1",
                "nd4j.backend", "org.nd4j.linalg.cpu.nativecpu.CpuBackend"))) {
            run.commit(new RoundRecord(1, 0, 0, 2, new long[] {1}, Map.of(), "fp", 10, 0.5, new byte[32], 1,
                    Map.of("workers", "2")));
        }
        try (OpenRun run = open(dir, Map.of("data.fingerprint", "d1", "numerics.pinning", "blas.threads=1"))) {
            assertEquals(1, run.plan().lastCommittedRound());
            assertTrue(run.plan().replay().get(0).attributes().get(RoundRecord.ENVIRONMENT) == null);
        }
        RunMismatchException e = assertThrows(RunMismatchException.class,
                () -> open(dir, Map.of("data.fingerprint", "d2", "numerics.pinning", "blas.threads=1")));
        assertTrue(e.getMessage().contains("data.fingerprint"), e.getMessage());
        e = assertThrows(RunMismatchException.class, () -> open(dir, Map.of("data.fingerprint", "d1",
                "numerics.pinning", "blas.threads=1", "seed", "7")));
        assertTrue(e.getMessage().contains("seed"), "any other new attribute is a mismatch: " + e.getMessage());
    }
}
