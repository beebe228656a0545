package io.txtrain.core.codec;

import java.io.IOException;

import org.apache.hadoop.fs.PositionedReadable;

/** Bytes of a file read at any offset, without holding the file in memory. */
public interface ByteSource {
    /** The number of bytes that may be read. */
    long length();

    /** Reads exactly {@code len} bytes at {@code position}; the range lies within {@link #length()}. */
    void readFully(long position, byte[] b, int off, int len) throws IOException;

    static ByteSource of(byte[] bytes) {
        return new ByteSource() {
            @Override
            public long length() {
                return bytes.length;
            }

            @Override
            public void readFully(long position, byte[] b, int off, int len) {
                System.arraycopy(bytes, (int) position, b, off, len);
            }
        };
    }

    /** The first {@code length} bytes of an open file. */
    static ByteSource of(PositionedReadable in, long length) {
        return new ByteSource() {
            @Override
            public long length() {
                return length;
            }

            @Override
            public void readFully(long position, byte[] b, int off, int len) throws IOException {
                in.readFully(position, b, off, len);
            }
        };
    }
}
