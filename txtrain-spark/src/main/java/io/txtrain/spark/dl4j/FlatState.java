package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A flat parameter or updater-state vector as little-endian bytes (FLOAT or DOUBLE): the compact
 * form that crosses the network and goes into checkpoints. Immutable: nothing writes its bytes
 * after construction. States the driver keeps may live off its Java heap ({@link StateMemory});
 * serialized, a state is its type, length and bytes, written in chunks (no second whole copy) and
 * read onto the heap.
 */
@DefaultSerializer(JavaSerializer.class) // Kryo (spark.serializer) would skip the transient bytes
public final class FlatState implements Serializable {
    private static final long serialVersionUID = 2L;
    private static final int CHUNK = 1 << 16;
    private static final FlatState EMPTY = new FlatState(DataType.FLOAT, ByteBuffer.allocate(0));

    private DataType dataType; // not final: set by readObject
    private transient ByteBuffer data; // little-endian, position 0, limit = size; never written after construction

    private FlatState(DataType dataType, ByteBuffer data) {
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE) {
            throw new IllegalArgumentException("txtrain supports FLOAT and DOUBLE networks, not " + dataType);
        }
        this.dataType = dataType;
        this.data = data.order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A state over {@code bytes} (not copied: the caller gives it up). */
    FlatState(DataType dataType, byte[] bytes) {
        this(dataType, ByteBuffer.wrap(bytes));
    }

    /** A state over {@code data}, written from position 0 to its capacity (the caller gives it up). */
    static FlatState over(DataType dataType, ByteBuffer data) {
        return new FlatState(dataType, data.clear());
    }

    public static FlatState empty() {
        return EMPTY;
    }

    public static FlatState of(INDArray array) {
        if (array == null || array.length() == 0) {
            return EMPTY;
        }
        ByteBuffer host = HostMemory.hostBytes(array);
        if (host != null) {
            ByteBuffer copy = StateMemory.heap(host.remaining());
            copy.put(host);
            return over(array.dataType(), copy);
        }
        INDArray flat = array.reshape(array.length());
        if (flat.dataType() == DataType.DOUBLE) {
            double[] v = flat.toDoubleVector();
            ByteBuffer buf = StateMemory.heap(v.length * 8);
            buf.asDoubleBuffer().put(v);
            return over(DataType.DOUBLE, buf);
        }
        float[] v = flat.toFloatVector();
        ByteBuffer buf = StateMemory.heap(v.length * 4);
        buf.asFloatBuffer().put(v);
        return over(DataType.FLOAT, buf);
    }

    public DataType dataType() {
        return dataType;
    }

    /** The values as little-endian bytes: a new copy on the heap. */
    public byte[] bytes() {
        byte[] out = new byte[data.capacity()];
        view().get(out);
        return out;
    }

    /** The size of the values in bytes. */
    public int sizeBytes() {
        return data.capacity();
    }

    public int length() {
        return data.capacity() / width();
    }

    /** Bytes per element: 8 for DOUBLE, 4 for FLOAT. */
    int width() {
        return dataType == DataType.DOUBLE ? 8 : 4;
    }

    public boolean isEmpty() {
        return data.capacity() == 0;
    }

    /**
     * Writes these values into {@code target}, an array of the same length and type, as
     * {@code target.assign(toArray())} would; does nothing and returns false where that takes ND4J
     * operations (another layout, type or backend).
     */
    boolean copyInto(INDArray target) {
        return target.dataType() == dataType && target.length() == length() && HostMemory.write(view(), target);
    }

    /** Elements {@code [from, to)} (a view: the bytes are shared, not copied). */
    FlatState slice(int from, int to) {
        ByteBuffer d = data.duplicate();
        d.position(from * width()).limit(to * width());
        return new FlatState(dataType, d.slice());
    }

    /** A new row vector with these values. */
    public INDArray toArray() {
        if (dataType == DataType.DOUBLE) {
            double[] v = new double[length()];
            view().asDoubleBuffer().get(v);
            return Nd4j.createFromArray(v).reshape(1, v.length);
        }
        float[] v = new float[length()];
        view().asFloatBuffer().get(v);
        return Nd4j.createFromArray(v).reshape(1, v.length);
    }

    /** Reads element {@code i} of a {@link #view()} as a double. */
    double get(ByteBuffer view, int i) {
        return dataType == DataType.DOUBLE ? view.getDouble(i * 8) : view.getFloat(i * 4);
    }

    /** The values, read-only, little-endian, positioned at 0. */
    ByteBuffer view() {
        return data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Element-wise mean of states in the given order (fixed order: bit-identical on every run), see {@link StateSum}. */
    static FlatState mean(java.util.List<FlatState> states) {
        StateSum sum = new StateSum();
        for (FlatState s : states) {
            sum.add(s);
        }
        return sum.mean();
    }

    /** These values where the driver keeps states ({@link StateMemory#kept}): this state, or a copy. */
    FlatState keep() {
        if (data.isDirect() || !StateMemory.keptOffHeap(sizeBytes())) {
            return this;
        }
        ByteBuffer kept = StateMemory.kept(sizeBytes());
        kept.put(view());
        return over(dataType, kept);
    }

    /** The state {@link #encode()} wrote, as a state the driver keeps. */
    static FlatState decode(byte[] encoded) {
        if (encoded.length < 1) {
            throw new IllegalArgumentException("empty state blob");
        }
        DataType dt = encoded[0] == 2 ? DataType.DOUBLE : DataType.FLOAT;
        ByteBuffer values = StateMemory.kept(encoded.length - 1);
        values.put(encoded, 1, encoded.length - 1);
        return over(dt, values);
    }

    /** A type byte (1 FLOAT, 2 DOUBLE), then the values: the form checkpoints and redo images hold. */
    byte[] encode() {
        byte[] out = new byte[data.capacity() + 1];
        out[0] = typeByte();
        view().get(out, 1, data.capacity());
        return out;
    }

    /**
     * {@link #encode()}'s bytes without making them: the type byte, then a view of these values
     * (array-backed where they are on the heap, so they can be written without a copy). The caller
     * never writes them.
     */
    java.util.List<ByteBuffer> encodedViews() {
        return java.util.List.of(ByteBuffer.wrap(new byte[] {typeByte()}), data.duplicate());
    }

    /** Adds {@link #encode()}'s bytes to {@code digest} without making them. */
    void digestEncoded(MessageDigest digest) {
        digest.update(typeByte());
        digest.update(view());
    }

    private byte typeByte() {
        return (byte) (dataType == DataType.DOUBLE ? 2 : 1);
    }

    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeInt(data.capacity());
        if (data.hasArray()) {
            out.write(data.array(), data.arrayOffset(), data.capacity());
            return;
        }
        ByteBuffer v = view();
        byte[] chunk = new byte[Math.min(CHUNK, v.remaining())];
        while (v.hasRemaining()) {
            int n = Math.min(chunk.length, v.remaining());
            v.get(chunk, 0, n);
            out.write(chunk, 0, n);
        }
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        int size = in.readInt();
        if (dataType != DataType.FLOAT && dataType != DataType.DOUBLE || size < 0
                || size % width() != 0) {
            throw new InvalidObjectException("not a FlatState: " + dataType + ", " + size + " bytes");
        }
        ByteBuffer values = StateMemory.heap(size);
        in.readFully(values.array(), values.arrayOffset(), size);
        data = values;
    }
}
