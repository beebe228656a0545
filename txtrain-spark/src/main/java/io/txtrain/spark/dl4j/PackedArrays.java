package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A training object's arrays as plain Java arrays (float[] or double[], c order) with their
 * shapes: cheap to shuffle, cache and size, and fast to stack into a minibatch. Slots may be null
 * (absent masks).
 */
final class PackedArrays implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Object[] data;
    private final long[][] shapes;

    private PackedArrays(Object[] data, long[][] shapes) {
        this.data = data;
        this.shapes = shapes;
    }

    static PackedArrays of(INDArray... arrays) {
        Object[] data = new Object[arrays.length];
        long[][] shapes = new long[arrays.length][];
        for (int i = 0; i < arrays.length; i++) {
            INDArray a = arrays[i];
            if (a == null) {
                continue;
            }
            data[i] = values(a);
            shapes[i] = a.shape();
        }
        return new PackedArrays(data, shapes);
    }

    /** The elements in c order, as double[] for DOUBLE arrays and float[] otherwise. */
    private static Object values(INDArray a) {
        boolean whole = a.ordering() == 'c' && !a.isView() && a.offset() == 0 && a.data().length() == a.length();
        if (whole && a.dataType() == DataType.FLOAT) {
            return a.data().asFloat(); // one copy, no ND4J ops: the usual case of a DataSet's arrays
        }
        if (whole && a.dataType() == DataType.DOUBLE) {
            return a.data().asDouble();
        }
        INDArray flat = a.dup('c').reshape(a.length());
        return a.dataType() == DataType.DOUBLE ? flat.toDoubleVector() : flat.castTo(DataType.FLOAT).toFloatVector();
    }

    int slots() {
        return data.length;
    }

    long rows() {
        return shapes[0][0];
    }

    INDArray array(int slot) {
        return data[slot] == null ? null : create(data[slot], shapes[slot]);
    }

    /**
     * Stacks one slot of several objects along dimension 0, or returns null if the slot is absent
     * in all of them. Throws {@link IllegalArgumentException} if the objects cannot be stacked
     * (different trailing shapes or types, or the slot present in only some).
     */
    static INDArray stack(List<PackedArrays> items, int slot) {
        PackedArrays first = items.get(0);
        if (first.data[slot] == null) {
            for (PackedArrays p : items) {
                if (p.data[slot] != null) {
                    throw new IllegalArgumentException("slot " + slot + " present in only some objects");
                }
            }
            return null;
        }
        long[] trailing = Arrays.copyOfRange(first.shapes[slot], 1, first.shapes[slot].length);
        boolean isDouble = first.data[slot] instanceof double[];
        long rows = 0;
        for (PackedArrays p : items) {
            long[] s = p.shapes[slot];
            if (p.data[slot] == null || (p.data[slot] instanceof double[]) != isDouble
                    || !Arrays.equals(trailing, Arrays.copyOfRange(s, 1, s.length))) {
                throw new IllegalArgumentException("objects of different shapes cannot be stacked");
            }
            rows += s[0];
        }
        long[] shape = first.shapes[slot].clone();
        shape[0] = rows;
        Object out = isDouble ? new double[(int) total(shape)] : new float[(int) total(shape)];
        int off = 0;
        for (PackedArrays p : items) {
            int len = java.lang.reflect.Array.getLength(p.data[slot]);
            System.arraycopy(p.data[slot], 0, out, off, len);
            off += len;
        }
        return create(out, shape);
    }

    long hash() {
        CRC32C crc = new CRC32C();
        for (int i = 0; i < data.length; i++) {
            if (data[i] == null) {
                crc.update(0);
                continue;
            }
            for (long s : shapes[i]) {
                crc.update((int) s);
            }
            if (data[i] instanceof float[] f) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(f.length * 4);
                b.asFloatBuffer().put(f);
                crc.update(b.array());
            } else {
                double[] d = (double[]) data[i];
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(d.length * 8);
                b.asDoubleBuffer().put(d);
                crc.update(b.array());
            }
        }
        return crc.getValue();
    }

    private static long total(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    private static INDArray create(Object data, long[] shape) {
        return data instanceof double[] d ? Nd4j.create(d, shape, 'c') : Nd4j.create((float[]) data, shape, 'c');
    }
}
