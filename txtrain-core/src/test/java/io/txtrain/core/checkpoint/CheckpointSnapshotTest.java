package io.txtrain.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code of} isolates the snapshot from the caller's arrays; {@code handOver} takes them as they are. */
class CheckpointSnapshotTest {
    private static final byte[] CHECKSUM = new byte[32];

    @Test
    void ofCopiesTheBlobs() {
        byte[] params = {1, 2, 3};
        CheckpointSnapshot s = CheckpointSnapshot.of(4, CHECKSUM, Map.of("params", params));
        params[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, s.blob("params"));
        assertEquals(3, s.bytes());
    }

    @Test
    void handOverKeepsTheArrays() {
        byte[] params = {1, 2, 3};
        byte[] updater = {4, 5};
        CheckpointSnapshot s = CheckpointSnapshot.handOver(4, CHECKSUM, Map.of("params", params, "updater", updater));
        assertSame(params, s.blob("params"));
        assertSame(updater, s.blob("updater"));
        assertEquals(5, s.bytes());
        assertNotSame(CHECKSUM, s.stateChecksum());
    }
}
