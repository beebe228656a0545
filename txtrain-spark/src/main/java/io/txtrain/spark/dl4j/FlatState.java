package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A flat parameter or updater-state vector as plain bytes (little-endian, FLOAT or DOUBLE): the
 * compact form that crosses the network and goes into checkpoints. Immutable by convention.
 */
public final class FlatState implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final FlatState EMPTY = new FlatState(DataType.FLOAT, new byte[0]);

    private final DataType dataType;
    private final byte[] bytes;

    FlatState(DataType dataType, byte[] bytes) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("txtrain supports FLOAT and DOUBLE networks, not " + dataType);
        }
        this.dataType = dataType;
        this.bytes = bytes;
    }

    public static FlatState empty() {
        return EMPTY;
    }

    public static FlatState of(INDArray array) {
        if (array == null || array.length() == 0) {
            return EMPTY;
        }
        byte[] direct = HostMemory.read(array);
        if (direct != null) {
            return new FlatState(array.dataType(), direct);
        }
        INDArray flat = array.reshape(array.length());
        DataType dt = flat.dataType();
        ByteBuffer buf;
        if (dt == DataType.DOUBLE) {
            double[] v = flat.toDoubleVector();
            buf = ByteBuffer.allocate(v.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            buf.asDoubleBuffer().put(v);
        } else {
            float[] v = flat.toFloatVector();
            buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asFloatBuffer().put(v);
            dt = DataType.FLOAT;
        }
        return new FlatState(dt, buf.array());
    }

    public DataType dataType() {
        return dataType;
    }

    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length / (dataType == DataType.DOUBLE ? 8 : 4);
    }

    public boolean isEmpty() {
        return bytes.length == 0;
    }

    /**
     * Writes these values into {@code target}, an array of the same length and type, as
     * {@code target.assign(toArray())} would; does nothing and returns false where that takes ND4J
     * operations (another layout, type or backend).
     */
    boolean copyInto(INDArray target) {
        return target.dataType() == dataType && target.length() == length() && HostMemory.write(bytes, target);
    }

    /** A new row vector with these values. */
    public INDArray toArray() {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (dataType == DataType.DOUBLE) {
            double[] v = new double[length()];
            buf.asDoubleBuffer().get(v);
            return Nd4j.createFromArray(v).reshape(1, v.length);
        }
        float[] v = new float[length()];
        buf.asFloatBuffer().get(v);
        return Nd4j.createFromArray(v).reshape(1, v.length);
    }

    /** Reads element {@code i} as a double. */
    double get(ByteBuffer view, int i) {
        return dataType == DataType.DOUBLE ? view.getDouble(i * 8) : view.getFloat(i * 4);
    }

    ByteBuffer view() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Element-wise mean of states in the given order (fixed order: bit-identical on every run), see {@link StateSum}. */
    static FlatState mean(java.util.List<FlatState> states) {
        StateSum sum = new StateSum();
        for (FlatState s : states) {
            sum.add(s);
        }
        return sum.mean();
    }

    static FlatState decode(byte[] encoded) {
        if (encoded.length < 1) {
            throw new IllegalArgumentException("empty state blob");
        }
        DataType dt = encoded[0] == 2 ? DataType.DOUBLE : DataType.FLOAT;
        return new FlatState(dt, java.util.Arrays.copyOfRange(encoded, 1, encoded.length));
    }

    byte[] encode() {
        byte[] out = new byte[bytes.length + 1];
        out[0] = (byte) (dataType == DataType.DOUBLE ? 2 : 1);
        System.arraycopy(bytes, 0, out, 1, bytes.length);
        return out;
    }
}
