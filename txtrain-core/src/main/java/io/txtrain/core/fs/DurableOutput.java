package io.txtrain.core.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** An append-only file whose {@link #sync()} returns only once the written bytes are durable. */
public interface DurableOutput extends Closeable {
    default void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    /** Appends {@code len} bytes of {@code bytes} from {@code off}, without copying them first. */
    void write(byte[] bytes, int off, int len) throws IOException;

    /**
     * Appends the remaining bytes of {@code b} and moves its position to its limit. On a local disk
     * a direct buffer is written from where it lies, without a copy on the Java heap.
     */
    void write(ByteBuffer b) throws IOException;

    /** Makes everything written so far durable (HDFS hsync; fsync on a local disk). */
    void sync() throws IOException;

    /** Bytes written so far. */
    long position();
}
