package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Packing keeps every array's elements in c order and its shape, whatever its layout in memory. */
class PackedArraysTest {

    private static float[] cOrder(INDArray a) {
        return a.dup('c').reshape(a.length()).castTo(DataType.FLOAT).toFloatVector();
    }

    @Test
    void wholeArraysViewsAndFortranOrderPackTheSameElements() {
        INDArray big = Nd4j.rand(DataType.FLOAT, 6, 5);
        List<INDArray> arrays = List.of(
                Nd4j.rand(DataType.FLOAT, 1, 7), // whole, c order
                big.get(NDArrayIndex.interval(2, 4), NDArrayIndex.all()), // a view with an offset
                big.get(NDArrayIndex.all(), NDArrayIndex.interval(1, 3)), // a strided view
                Nd4j.rand(DataType.FLOAT, 'f', 3, 4)); // whole, f order
        for (INDArray a : arrays) {
            PackedArrays p = PackedArrays.of(a);
            assertArrayEquals(a.shape(), p.array(0).shape());
            assertArrayEquals(cOrder(a), p.array(0).reshape(a.length()).toFloatVector(), a.shapeInfoToString());
        }
    }

    @Test
    void doubleArraysStayDouble() {
        INDArray d = Nd4j.rand(DataType.DOUBLE, 2, 3);
        PackedArrays p = PackedArrays.of(d);
        assertEquals(DataType.DOUBLE, p.array(0).dataType());
        assertArrayEquals(d.dup('c').reshape(d.length()).toDoubleVector(), p.array(0).reshape(6).toDoubleVector());
    }

    @Test
    void theHashDependsOnTheElementsNotTheLayout() {
        INDArray c = Nd4j.rand(DataType.FLOAT, 3, 4);
        INDArray f = c.dup('f');
        assertEquals(PackedArrays.of(c).hash(), PackedArrays.of(f).hash());
    }
}
