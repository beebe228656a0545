package io.txtrain.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads one IDX file, plain or gzip-compressed, checking every header value before it is used:
 * for a plain file the counts must fit its size; for a {@code .gz} file, whose uncompressed size is
 * not known, arrays grow only as data is actually read. Every error names the file.
 */
final class IdxReader implements AutoCloseable {
    private static final int CHUNK = 1 << 16;
    private final Path path;
    private final DataInputStream in;
    /** Uncompressed length, or -1 for a gzip file. */
    private final long length;
    private long position;

    private IdxReader(Path path, DataInputStream in, long length) {
        this.path = path;
        this.in = in;
        this.length = length;
    }

    static IdxReader open(FileSystem fs, Path p) throws IOException {
        boolean gz = p.getName().endsWith(".gz");
        long len = fs.getFileStatus(p).getLen();
        InputStream raw = new BufferedInputStream(fs.open(p), CHUNK);
        try {
            return new IdxReader(p, new DataInputStream(gz ? new GZIPInputStream(raw, CHUNK) : raw), gz ? -1 : len);
        } catch (ZipException | EOFException e) {
            raw.close();
            throw new IOException(p + " is not a gzip file (" + e.getMessage() + "); a data file named *.gz must be"
                    + " gzip-compressed, otherwise drop the .gz from its name", e);
        }
    }

    void expectMagic(int magic, String kind) throws IOException {
        int m = readInt("magic number");
        if (m != magic) {
            throw new IOException(path + " is not an IDX " + kind + " file: magic number 0x"
                    + String.format("%08x", m) + ", expected 0x" + String.format("%08x", magic));
        }
    }

    /** A non-negative 32-bit count from the header. */
    int count(String what) throws IOException {
        int n = readInt("number of " + what);
        if (n < 0) {
            throw new IOException(path + " is damaged: its header gives " + n + " " + what);
        }
        return n;
    }

    /** For a plain file: the header's {@code n} items of {@code bytesEach} must be exactly what follows it. */
    void expectBytes(int n, long bytesEach, String what) throws IOException {
        if (length < 0) {
            return; // gzip: checked while reading
        }
        long need = n * bytesEach;
        long have = length - position;
        if (need != have) {
            throw new IOException(path + " is " + (need > have ? "truncated or its header is damaged" : "damaged")
                    + ": its header gives " + n + " " + what + " (" + need + " bytes after the " + position
                    + "-byte header), but " + have + " bytes follow the header");
        }
    }

    int[] readBytes(int n, String what) throws IOException {
        int[] out = new int[Math.min(n, CHUNK)];
        byte[] buf = new byte[CHUNK];
        int done = 0;
        while (done < n) {
            int want = Math.min(buf.length, n - done);
            int got = readUpTo(buf, want);
            if (got < want) {
                throw truncated(n, what, done + got);
            }
            if (done + got > out.length) {
                out = Arrays.copyOf(out, (int) Math.min(n, Math.max(2L * out.length, done + got)));
            }
            for (int i = 0; i < got; i++) {
                out[done + i] = buf[i] & 0xff;
            }
            done += got;
        }
        return out;
    }

    List<float[]> readImages(int n, int pixels) throws IOException {
        List<float[]> out = new ArrayList<>(Math.min(n, 1024));
        byte[] buf = new byte[pixels];
        for (int i = 0; i < n; i++) {
            if (readUpTo(buf, pixels) < pixels) {
                throw truncated(n, "images", i);
            }
            float[] img = new float[pixels];
            for (int j = 0; j < pixels; j++) {
                img[j] = (buf[j] & 0xff) / 255f;
            }
            out.add(img);
        }
        return out;
    }

    private IOException truncated(int claimed, String what, int read) {
        return new IOException(path + " is truncated or its header is damaged: its header gives " + claimed + " "
                + what + ", but the file ends after " + read);
    }

    private int readInt(String what) throws IOException {
        byte[] b = new byte[4];
        if (readUpTo(b, 4) < 4) {
            throw new IOException(path + " is truncated: it ends before the header's " + what);
        }
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** Reads up to {@code n} bytes; fewer only at the end of the data. */
    private int readUpTo(byte[] buf, int n) throws IOException {
        int done = 0;
        try {
            while (done < n) {
                int r = in.read(buf, done, n - done);
                if (r < 0) {
                    break;
                }
                done += r;
            }
        } catch (ZipException | EOFException e) {
            throw new IOException(path + " is damaged: its gzip data cannot be decompressed (" + e.getMessage() + ")",
                    e);
        }
        position += done;
        return done;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
