package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Random;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import io.txtrain.spark.testing.SparkTestSupport;

/**
 * A state the driver keeps off its Java heap ({@code spark.txtrain.driver.stateOffHeap}) holds,
 * serializes, slices, digests, averages and writes into a network exactly the bytes the same state
 * on the heap does; states in flight and received ones stay on the heap; a serialized state with an
 * impossible size is refused.
 */
class FlatStateTest {
    private static INDArray values(DataType type, int n, long seed) {
        Random r = new Random(seed);
        INDArray a = Nd4j.create(type, 1, n);
        for (int i = 0; i < n; i++) {
            a.putScalar(i, r.nextGaussian());
        }
        return a;
    }

    private static byte[] serialize(Object o) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(b)) {
            out.writeObject(o);
        }
        return b.toByteArray();
    }

    private static Object deserialize(byte[] bytes) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            return in.readObject();
        }
    }

    @Test
    void offTheHeapTheSameBytesAsOnIt() throws Exception {
        // on the heap (no Spark driver in this JVM yet)
        List<FlatState> heap = List.of(FlatState.of(values(DataType.FLOAT, 200_003, 1)),
                FlatState.of(values(DataType.FLOAT, 200_003, 2)), FlatState.of(values(DataType.DOUBLE, 70_001, 3)));
        for (FlatState s : heap) {
            assertFalse(s.view().isDirect());
            assertTrue(s.keep() == s, "outside a driver a kept state stays where it is");
        }
        byte[] heapSerialized = serialize(heap.get(0));
        FlatState heapMean = FlatState.mean(heap.subList(0, 2));
        JavaSparkContext sc = SparkTestSupport.local(1, 1, "flat-state");
        try {
            StateMemory.configure("always");
            List<FlatState> off = heap.stream().map(FlatState::keep).toList();
            for (int i = 0; i < off.size(); i++) {
                FlatState h = heap.get(i);
                FlatState o = off.get(i);
                assertTrue(o.view().isDirect(), "kept off the heap in the driver");
                assertFalse(FlatState.of(h.toArray()).view().isDirect(), "a state in flight stays on the heap");
                assertArrayEquals(h.bytes(), o.bytes());
                assertArrayEquals(h.encode(), o.encode());
                assertArrayEquals(StateDigest.of(h, h), StateDigest.of(o, o));
                assertArrayEquals(StateDigest.of(h.encode()), StateDigest.of(o.encode()));
                assertArrayEquals(StateDigest.of(h.bytes()), StateDigest.of(o));
                FlatState back = (FlatState) deserialize(serialize(o));
                assertFalse(back.view().isDirect(), "received onto the heap");
                assertEquals(h.dataType(), back.dataType());
                assertArrayEquals(h.bytes(), back.bytes());
                FlatState decoded = FlatState.decode(o.encode());
                assertTrue(decoded.view().isDirect(), "a restored state is kept");
                assertArrayEquals(h.bytes(), decoded.bytes());
                FlatState slice = o.slice(7, 1007);
                assertArrayEquals(heap.get(i).slice(7, 1007).bytes(), slice.bytes());
                assertArrayEquals(java.util.Arrays.copyOfRange(h.bytes(), 7 * (h.sizeBytes() / h.length()),
                        1007 * (h.sizeBytes() / h.length())), ((FlatState) deserialize(serialize(slice))).bytes());
                INDArray into = Nd4j.create(h.dataType(), 1, h.length());
                assertTrue(o.copyInto(into));
                assertArrayEquals(h.bytes(), FlatState.of(into).bytes());
                assertEquals(h.toArray(), o.toArray());
            }
            assertArrayEquals(heapSerialized, serialize(off.get(0)), "the same serialized form from either memory");
            FlatState offMean = FlatState.mean(off.subList(0, 2));
            assertTrue(offMean.view().isDirect(), "a mean made in the driver is kept");
            assertArrayEquals(heapMean.bytes(), offMean.bytes(), "the same mean, bit for bit");
            StateMemory.configure("never");
            assertFalse(heap.get(0).keep().view().isDirect(), "never: on the heap");
            assertFalse(FlatState.decode(off.get(0).encode()).view().isDirect(), "never: on the heap");
        } finally {
            StateMemory.configure("auto");
            sc.stop();
        }
    }

    @Test
    void aSerializedStateWithAnImpossibleSizeIsRefused() throws Exception {
        byte[] good = serialize(FlatState.of(values(DataType.FLOAT, 5, 4)));
        // the size follows the fields: find the int 20 (5 floats) and corrupt it
        int at = -1;
        for (int i = 0; i + 4 <= good.length; i++) {
            if (good[i] == 0 && good[i + 1] == 0 && good[i + 2] == 0 && good[i + 3] == 20) {
                at = i;
            }
        }
        assertTrue(at > 0);
        for (int bad : new int[] {-4, 21}) {
            byte[] b = good.clone();
            b[at] = (byte) (bad >>> 24);
            b[at + 1] = (byte) (bad >>> 16);
            b[at + 2] = (byte) (bad >>> 8);
            b[at + 3] = (byte) bad;
            InvalidObjectException e = assertThrows(InvalidObjectException.class, () -> deserialize(b));
            assertTrue(e.getMessage().contains(bad + " bytes"), e.getMessage());
        }
    }

    @Test
    void anUnknownSettingNamesTheKeyAndItsValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StateMemory.configure("sometimes"));
        assertEquals("spark.txtrain.driver.stateOffHeap = 'sometimes': expected auto, always or never", e.getMessage());
    }
}
