package io.txtrain.core.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.txtrain.core.log.RoundRecord;

class FrameCodecTest {

    static RoundRecord sampleRecord(long round) {
        byte[] checksum = new byte[32];
        for (int i = 0; i < 32; i++) {
            checksum[i] = (byte) (round * 31 + i);
        }
        return new RoundRecord(round, 2, 7, 20, new long[] {11L, 22L, 33L}, Map.of("learningRate", "0.001"),
                "fp-" + round, 1024, 0.4567, checksum, 1_700_000_000_000L + round, Map.of("workers", "2"));
    }

    private static Frame readOne(byte[] bytes) throws IOException {
        return new FrameReader(new ByteArrayInputStream(bytes), "test", bytes.length).next();
    }

    @Test
    void roundTripsARoundRecord() throws IOException {
        RoundRecord rec = sampleRecord(42);
        byte[] frame = FrameCodec.encode(RecordType.ROUND_COMMIT, rec.encode());
        Frame f = readOne(frame);
        assertEquals(RecordType.ROUND_COMMIT, f.type());
        assertEquals(frame.length, f.end());
        assertEquals(rec, RoundRecord.decode(f.payload()));
    }

    @Test
    void emptyStreamIsACleanEnd() throws IOException {
        assertNull(readOne(new byte[0]));
    }

    @Test
    void everySingleBitFlipIsDetected() {
        byte[] frame = FrameCodec.encode(RecordType.ROUND_COMMIT, sampleRecord(7).encode());
        int flips = 0;
        for (int bit = 0; bit < frame.length * 8; bit++) {
            byte[] damaged = frame.clone();
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThrows(CorruptFrameException.class, () -> readOne(damaged), "bit " + bit + " flip not detected");
            flips++;
        }
        assertEquals(frame.length * 8, flips);
    }

    @Test
    void absurdLengthIsRejectedBeforeAllocating() {
        byte[] frame = FrameCodec.encode(RecordType.ROUND_COMMIT, new byte[10]);
        ByteBuffer.wrap(frame).putInt(8, Integer.MAX_VALUE);
        CorruptFrameException e = assertThrows(CorruptFrameException.class, () -> readOne(frame));
        assertTrue(e.getMessage().contains("absurd length"), e.getMessage());
        // Within the global bound but past the end of the file: also rejected without allocating.
        ByteBuffer.wrap(frame).putInt(8, FrameCodec.MAX_PAYLOAD);
        e = assertThrows(CorruptFrameException.class, () -> readOne(frame));
        assertTrue(e.getMessage().contains("runs past the end"), e.getMessage());
    }

    @Test
    void newerVersionIsNamed() {
        byte[] frame = FrameCodec.encode(RecordType.META, new byte[0]);
        frame[4] = 2;
        CorruptFrameException e = assertThrows(CorruptFrameException.class, () -> readOne(frame));
        assertTrue(e.getMessage().contains("unsupported format version 2"), e.getMessage());
    }

    @Test
    void truncationAtEveryOffsetIsReportedAsTruncated() throws IOException {
        byte[] frame = FrameCodec.encode(RecordType.ROUND_COMMIT, sampleRecord(3).encode());
        for (int len = 1; len < frame.length; len++) {
            byte[] cut = java.util.Arrays.copyOf(frame, len);
            CorruptFrameException e = assertThrows(CorruptFrameException.class,
                    () -> new FrameReader(new ByteArrayInputStream(cut), "t", -1).next());
            assertTrue(e.truncated(), "length " + len);
        }
    }

    @Test
    void malformedPayloadLengthsDoNotAllocate() {
        byte[] payload = new PayloadWriter().i32(Integer.MAX_VALUE).toBytes();
        assertThrows(PayloadReader.MalformedPayloadException.class, () -> new PayloadReader(payload).bytes());
        assertThrows(PayloadReader.MalformedPayloadException.class, () -> new PayloadReader(payload).longs());
        assertThrows(PayloadReader.MalformedPayloadException.class, () -> new PayloadReader(payload).map());
    }

    @Test
    void mapsAreEncodedInKeyOrder() {
        byte[] a = new PayloadWriter().map(Map.of("b", "2", "a", "1", "c", "3")).toBytes();
        byte[] b = new PayloadWriter().map(new java.util.TreeMap<>(Map.of("c", "3", "a", "1", "b", "2"))).toBytes();
        assertArrayEquals(a, b);
    }
}
