package io.txtrain.core.fs;

import java.io.Closeable;
import java.io.IOException;

/** An append-only file whose {@link #sync()} returns only once the written bytes are durable. */
public interface DurableOutput extends Closeable {
    void write(byte[] bytes) throws IOException;

    /** Makes everything written so far durable (HDFS hsync; fsync on a local disk). */
    void sync() throws IOException;

    /** Bytes written so far. */
    long position();
}
