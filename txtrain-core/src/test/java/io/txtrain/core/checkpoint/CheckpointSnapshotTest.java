package io.txtrain.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * {@code of} isolates the snapshot from the caller's arrays; {@code handOver} takes them as they
 * are; {@code ofImmutable} takes views of buffers, on or off the heap, as one blob each.
 */
class CheckpointSnapshotTest {
    private static final byte[] CHECKSUM = new byte[32];

    private static byte[] bytes(CheckpointSnapshot s, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuffer b : s.blob(name)) {
            byte[] part = new byte[b.remaining()];
            b.get(part);
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void ofCopiesTheBlobs() {
        byte[] params = {1, 2, 3};
        CheckpointSnapshot s = CheckpointSnapshot.of(4, CHECKSUM, Map.of("params", params));
        params[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, bytes(s, "params"));
        assertEquals(3, s.bytes());
    }

    @Test
    void handOverKeepsTheArrays() {
        byte[] params = {1, 2, 3};
        byte[] updater = {4, 5};
        CheckpointSnapshot s = CheckpointSnapshot.handOver(4, CHECKSUM, Map.of("params", params, "updater", updater));
        assertSame(params, s.blob("params").get(0).array());
        assertSame(updater, s.blob("updater").get(0).array());
        assertEquals(5, s.bytes());
        assertNotSame(CHECKSUM, s.stateChecksum());
    }

    @Test
    void ofImmutableViewsBuffersOnAndOffTheHeapAsOneBlobEach() {
        ByteBuffer direct = ByteBuffer.allocateDirect(4).put(new byte[] {3, 4, 5, 6}).flip();
        ByteBuffer heap = ByteBuffer.wrap(new byte[] {0, 1, 2, 3}, 1, 2); // remaining: 1, 2
        CheckpointSnapshot s = CheckpointSnapshot.ofImmutable(4, CHECKSUM,
                Map.of("params", List.of(heap, direct), "cursor", List.of(ByteBuffer.wrap(new byte[] {7}))));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, bytes(s, "params"));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, bytes(s, "params"), "each call gives fresh views");
        assertEquals(7, s.bytes());
        assertEquals(1, heap.position(), "the caller's buffers are not moved");
        assertEquals(0, direct.position());
    }
}
