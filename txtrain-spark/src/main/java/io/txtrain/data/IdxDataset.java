package io.txtrain.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Reads MNIST-style IDX image/label files (optionally gzip-compressed) from any Hadoop URI or local
 * path, e.g. Fashion-MNIST. Pixels are scaled to [0, 1]; labels are one-hot. Malformed files fail
 * with an error naming the file.
 */
public final class IdxDataset {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private final float[][] images;
    private final int[] labels;
    private final int rows;
    private final int cols;

    private IdxDataset(float[][] images, int[] labels, int rows, int cols) {
        this.images = images;
        this.labels = labels;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Loads {@code <dir>/<prefix>-images-idx3-ubyte[.gz]} and the matching labels file, e.g.
     * prefix "train" or "t10k".
     *
     * @param limit at most this many examples (0 = all)
     */
    public static IdxDataset load(String dir, String prefix, int limit, Configuration conf) throws IOException {
        Path base = new Path(dir);
        FileSystem fs = FileSystem.get(toUri(dir), conf);
        Path images = find(fs, base, prefix + "-images-idx3-ubyte");
        Path labels = find(fs, base, prefix + "-labels-idx1-ubyte");
        int[] lab;
        try (DataInputStream in = open(fs, labels)) {
            if (in.readInt() != LABELS_MAGIC) {
                throw new IOException(labels + " is not an IDX label file (bad magic)");
            }
            int n = clamp(in.readInt(), limit);
            lab = new int[n];
            for (int i = 0; i < n; i++) {
                lab[i] = in.readUnsignedByte();
            }
        }
        try (DataInputStream in = open(fs, images)) {
            if (in.readInt() != IMAGES_MAGIC) {
                throw new IOException(images + " is not an IDX image file (bad magic)");
            }
            int n = clamp(in.readInt(), limit);
            int r = in.readInt();
            int c = in.readInt();
            if (n != lab.length) {
                throw new IOException(images + " has " + n + " images but " + labels + " has " + lab.length + " labels");
            }
            if (r <= 0 || c <= 0 || r > 4096 || c > 4096) {
                throw new IOException(images + " has an implausible image size " + r + "x" + c);
            }
            float[][] img = new float[n][r * c];
            byte[] buf = new byte[r * c];
            for (int i = 0; i < n; i++) {
                in.readFully(buf);
                for (int j = 0; j < buf.length; j++) {
                    img[i][j] = (buf[j] & 0xff) / 255f;
                }
            }
            return new IdxDataset(img, lab, r, c);
        }
    }

    private static URI toUri(String dir) {
        return new Path(dir).toUri().getScheme() == null ? new java.io.File(dir).toURI() : new Path(dir).toUri();
    }

    private static int clamp(int n, int limit) throws IOException {
        if (n < 0) {
            throw new IOException("negative example count " + n);
        }
        return limit > 0 ? Math.min(n, limit) : n;
    }

    private static Path find(FileSystem fs, Path dir, String name) throws IOException {
        for (String candidate : new String[] {name + ".gz", name}) {
            Path p = new Path(dir, candidate);
            if (fs.exists(p)) {
                return p;
            }
        }
        throw new IOException("no " + name + "[.gz] in " + dir);
    }

    private static DataInputStream open(FileSystem fs, Path p) throws IOException {
        InputStream raw = new BufferedInputStream(fs.open(p), 1 << 16);
        return new DataInputStream(p.getName().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw);
    }

    public int size() {
        return labels.length;
    }

    public int features() {
        return rows * cols;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public int label(int i) {
        return labels[i];
    }

    public float[] image(int i) {
        return images[i].clone();
    }

    /** One DataSet per example: features [1, rows*cols], one-hot labels [1, classes]. */
    public List<DataSet> examples(int classes) {
        List<DataSet> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(batch(i, i + 1, classes));
        }
        return out;
    }

    /** Examples {@code [from, to)} as one DataSet. */
    public DataSet batch(int from, int to, int classes) {
        int n = to - from;
        float[][] f = new float[n][];
        float[][] l = new float[n][classes];
        for (int i = 0; i < n; i++) {
            f[i] = images[from + i];
            int y = labels[from + i];
            if (y >= classes) {
                throw new IllegalArgumentException("label " + y + " at index " + (from + i) + " is not < " + classes);
            }
            l[i][y] = 1f;
        }
        INDArray features = Nd4j.create(f);
        return new DataSet(features, Nd4j.create(l));
    }
}
