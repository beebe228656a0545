package io.txtrain.spark.dl4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between little-endian bytes and an ND4J array's host memory, for arrays that own
 * their whole buffer on the CPU backend: one memory copy instead of ND4J operations per element.
 * Where that does not hold (views, other backends, big-endian hosts) callers take ND4J's way.
 */
final class HostMemory {
    private static final boolean CPU = "org.nd4j.linalg.cpu.nativecpu.CpuBackend".equals(
            Nd4j.getBackend().getClass().getName()) && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

    private HostMemory() {
    }

    /**
     * The array's elements in its host memory (not a copy), little-endian, from position 0 to their
     * end; null if it is not a whole FLOAT or DOUBLE buffer on the CPU backend.
     */
    static ByteBuffer hostBytes(INDArray a) {
        if (!CPU || a.isView() || a.isEmpty() || a.offset() != 0 || a.data().offset() != 0
                || a.data().length() != a.length() || a.ordering() != 'c' && a.rank() > 1 && !a.isVector()
                || a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            return null;
        }
        int width = a.dataType() == DataType.DOUBLE ? 8 : 4;
        ByteBuffer all = a.data().asNio().duplicate();
        long bytes = a.length() * width;
        if (all.capacity() < bytes) {
            return null;
        }
        all.position(0).limit((int) bytes);
        return all.slice();
    }

    /** Writes the little-endian bytes {@code values} holds over the array's elements; false (nothing written) if it cannot. */
    static boolean write(ByteBuffer values, INDArray a) {
        ByteBuffer host = hostBytes(a);
        if (host == null || host.remaining() != values.remaining()) {
            return false;
        }
        host.put(values.duplicate());
        return true;
    }
}
