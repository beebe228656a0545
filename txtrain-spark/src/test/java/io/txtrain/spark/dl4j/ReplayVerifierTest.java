package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.txtrain.core.log.LineageChange;
import io.txtrain.core.log.RoundRecord;

/** What a replayed round's difference from its record means, for each environment and setting. */
class ReplayVerifierTest {
    static final String OLD = "backend=CpuBackend; cpu=GenuineIntel family 6 model 85 avx512f";
    static final String NEW = "backend=CpuBackend; cpu=AuthenticAMD family 25 model 1 avx2";

    static RoundRecord rec(byte checksum, String data, String env) {
        Map<String, String> attrs = new HashMap<>();
        if (env != null) {
            attrs.put(RoundRecord.ENVIRONMENT, env);
        }
        byte[] sum = new byte[32];
        sum[0] = checksum;
        return new RoundRecord(7, 1, 2, 5, new long[] {1, 2}, Map.of(), data, 64, 0.5, sum, 1, attrs);
    }

    static final ReplayVerifier DEFAULTS = new ReplayVerifier(false, true);

    @Test
    void sameResultIsNothingToRecord() {
        assertNull(DEFAULTS.check(rec((byte) 1, "d", OLD), rec((byte) 1, "d", NEW), 3));
    }

    @Test
    void differentResultInTheSameEnvironmentIsRefused() {
        ReplayMismatchException e = assertThrows(ReplayMismatchException.class,
                () -> DEFAULTS.check(rec((byte) 1, "d", OLD), rec((byte) 2, "d", OLD), 3));
        assertTrue(e.getMessage().contains("replayed round 7") && e.getMessage().contains("environment is the same")
                && e.getMessage().contains("real divergence"), e.getMessage());
    }

    @Test
    void differentResultAfterAnEnvironmentChangeIsANewLineage() {
        LineageChange c = DEFAULTS.check(rec((byte) 1, "d", OLD), rec((byte) 2, "d", NEW), 3);
        assertEquals(7, c.round());
        assertEquals(3, c.writerEpoch());
        assertEquals(OLD, c.oldEnvironment());
        assertEquals(NEW, c.newEnvironment());
        assertEquals(ReplayVerifier.ENVIRONMENT_CHANGED, c.reason());
        assertArrayEquals(rec((byte) 1, "d", OLD).stateChecksum(), c.oldChecksum());
        assertArrayEquals(rec((byte) 2, "d", OLD).stateChecksum(), c.newChecksum());
    }

    @Test
    void anEnvironmentChangeIsRefusedWhenConfiguredSo() {
        ReplayMismatchException e = assertThrows(ReplayMismatchException.class,
                () -> new ReplayVerifier(false, false).check(rec((byte) 1, "d", OLD), rec((byte) 2, "d", NEW), 3));
        assertTrue(e.getMessage().contains("The environment changed") && e.getMessage().contains(OLD)
                && e.getMessage().contains("spark.txtrain.replay.onEnvironmentChange=fail"), e.getMessage());
    }

    @Test
    void aLogWithoutEnvironmentCountsAsUnchanged() {
        ReplayMismatchException e = assertThrows(ReplayMismatchException.class,
                () -> DEFAULTS.check(rec((byte) 1, "d", null), rec((byte) 2, "d", NEW), 3));
        assertTrue(e.getMessage().contains("does not record the environment"), e.getMessage());
    }

    @Test
    void otherDataIsNeverAnEnvironmentEffect() {
        ReplayMismatchException e = assertThrows(ReplayMismatchException.class,
                () -> DEFAULTS.check(rec((byte) 1, "d", OLD), rec((byte) 2, "other", NEW), 3));
        assertTrue(e.getMessage().contains("data fingerprint d vs other"), e.getMessage());
    }

    @Test
    void acceptedMismatchIsRecordedAsALineageChangeToo() {
        LineageChange c = new ReplayVerifier(true, true).check(rec((byte) 1, "d", OLD), rec((byte) 2, "d", OLD), 3);
        assertEquals(ReplayVerifier.ACCEPTED_MISMATCH, c.reason());
    }
}
