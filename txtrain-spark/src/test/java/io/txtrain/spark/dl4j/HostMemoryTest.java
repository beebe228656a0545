package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A state read from, or written into, a network's arrays by bulk copy holds exactly the bytes that
 * ND4J's own element-by-element way gives, whatever the array's layout; arrays that are not a
 * whole buffer are left to ND4J.
 */
class HostMemoryTest {

    /** The little-endian bytes of the array's elements in c order, by ND4J operations. */
    private static byte[] reference(INDArray a) {
        INDArray flat = a.dup('c').reshape(a.length());
        if (a.dataType() == DataType.DOUBLE) {
            double[] v = flat.toDoubleVector();
            ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asDoubleBuffer().put(v);
            return b.array();
        }
        float[] v = flat.toFloatVector();
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    @Test
    void readingGivesTheElementsInCOrderForEveryLayout() {
        INDArray big = Nd4j.rand(DataType.FLOAT, 6, 5);
        List<INDArray> arrays = List.of(Nd4j.rand(DataType.FLOAT, 1, 1000), Nd4j.rand(DataType.DOUBLE, 1, 33),
                Nd4j.rand(DataType.FLOAT, 'f', 4, 3), big.get(NDArrayIndex.interval(1, 3), NDArrayIndex.all()),
                big.get(NDArrayIndex.all(), NDArrayIndex.point(2)));
        for (INDArray a : arrays) {
            assertArrayEquals(reference(a), FlatState.of(a).bytes(), a.shapeInfoToString());
        }
        assertNotNull(HostMemory.hostBytes(arrays.get(0)), "a whole row vector is read by bulk copy");
        assertNull(HostMemory.hostBytes(arrays.get(3)), "a view is left to ND4J");
        assertNull(HostMemory.hostBytes(arrays.get(2)), "an f-order matrix is left to ND4J");
    }

    @Test
    void writingEqualsAssign() {
        for (DataType t : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
            INDArray source = Nd4j.rand(t, 1, 257);
            FlatState state = FlatState.of(source);
            INDArray target = Nd4j.zeros(t, 1, 257);
            assertTrue(state.copyInto(target));
            assertArrayEquals(reference(source), reference(target));
            INDArray assigned = Nd4j.zeros(t, 1, 257).assign(state.toArray());
            assertArrayEquals(reference(assigned), reference(target));
        }
    }

    @Test
    void aMismatchWritesNothing() {
        FlatState state = FlatState.of(Nd4j.rand(DataType.FLOAT, 1, 8));
        INDArray longer = Nd4j.zeros(DataType.FLOAT, 1, 9);
        INDArray otherType = Nd4j.zeros(DataType.DOUBLE, 1, 8);
        assertFalse(state.copyInto(longer));
        assertFalse(state.copyInto(otherType));
        assertEquals(0.0, longer.sumNumber().doubleValue());
        INDArray big = Nd4j.zeros(DataType.FLOAT, 4, 8);
        assertFalse(state.copyInto(big.getRow(1)), "a view is left to ND4J");
        assertEquals(0.0, big.sumNumber().doubleValue());
    }
}
