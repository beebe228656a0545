package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import io.txtrain.core.log.CorruptLogException;
import io.txtrain.core.log.RoundRecord;

/** The physical redo image restores the exact state; the size and time-share rules decide when to log one. */
class PhysicalRedoTest {
    static final FlatState P = FlatState.of(Nd4j.createFromArray(1.5f, -2.25f, 3e-7f, Float.MIN_VALUE));
    static final FlatState U = FlatState.of(Nd4j.createFromArray(0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f, 0.8f));

    static RoundRecord record(byte[] checksum) {
        return new RoundRecord(3, 0, 2, 5, new long[] {1}, Map.of(), "d", 8, 0.5, checksum, 1,
                Map.of(RoundRecord.REDO, RoundRecord.REDO_PHYSICAL));
    }

    @Test
    void imagesRestoreTheExactStateAndAreChecked() throws Exception {
        byte[] sum = StateDigest.of(P, U);
        for (int codec : new int[] {PhysicalRedo.RAW, PhysicalRedo.DEFLATE}) {
            FlatState[] back = PhysicalRedo.restore(record(sum), PhysicalRedo.encode(P, U, codec), 0, 2, "dir");
            assertArrayEquals(sum, StateDigest.of(back[0], back[1]));
        }
        assertNull(PhysicalRedo.restore(record(sum), null, 0, 2, "dir"), "superseded image: nothing to restore yet");
        CorruptLogException bad = assertThrows(CorruptLogException.class,
                () -> PhysicalRedo.restore(record(new byte[32]), PhysicalRedo.encode(P, U), 0, 2, "dir"));
        assertTrue(bad.getMessage().contains("physical redo image of round 3"), bad.getMessage());
        assertThrows(ReplayMismatchException.class,
                () -> PhysicalRedo.restore(record(sum), PhysicalRedo.encode(P, U), 0, 1, "dir"));
    }

    @Test
    void loggedBelowTheSizeAndPausedAfterACostlyRound() {
        PhysicalRedo off = new PhysicalRedo(0, 0.1);
        assertFalse(off.wanted(1));
        PhysicalRedo redo = new PhysicalRedo(1000, 0.1);
        assertTrue(redo.wanted(1000));
        assertFalse(redo.wanted(1001));
        redo.measured(5, 100);
        assertTrue(redo.wanted(10), "5 % of the round is under the share");
        redo.measured(20, 100);
        for (int i = 0; i < PhysicalRedo.PAUSE_ROUNDS; i++) {
            assertFalse(redo.wanted(10), "paused after a round over the share");
        }
        assertTrue(redo.wanted(10), "tried again after the pause");
    }
}
