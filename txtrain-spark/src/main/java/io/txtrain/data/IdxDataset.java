package io.txtrain.data;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import io.txtrain.core.fs.HadoopClientTimeouts;
import io.txtrain.core.fs.UnreachableStoreException;

/**
 * Reads MNIST-style IDX image/label files (optionally gzip-compressed) from any Hadoop URI or local
 * path, e.g. Fashion-MNIST. Pixels are scaled to [0, 1]; labels are one-hot. Malformed files fail
 * with an error naming the file and what is wrong.
 */
public final class IdxDataset {
    private static final int IMAGES_MAGIC = 0x00000803;
    private static final int LABELS_MAGIC = 0x00000801;

    private final List<float[]> images;
    private final int[] labels;
    private final int rows;
    private final int cols;

    private IdxDataset(List<float[]> images, int[] labels, int rows, int cols) {
        this.images = images;
        this.labels = labels;
        this.rows = rows;
        this.cols = cols;
    }

    /**
     * Loads {@code <dir>/<prefix>-images-idx3-ubyte[.gz]} and the matching labels file, e.g.
     * prefix "train" or "t10k". A damaged or crafted file fails with an {@link IOException} naming
     * the file and what is wrong (bad magic, counts that the file's size cannot hold, a truncated
     * file, a {@code .gz} that is not gzip); memory is only ever allocated for examples actually read.
     *
     * @param limit at most this many examples (0 = all)
     */
    public static IdxDataset load(String dir, String prefix, int limit, Configuration conf) throws IOException {
        URI uri = toUri(dir);
        try {
            return read(uri, new Path(dir), prefix, limit, HadoopClientTimeouts.apply(conf));
        } catch (IOException | IllegalArgumentException e) {
            UnreachableStoreException unreachable = UnreachableStoreException.describe(uri, e);
            if (unreachable != null) {
                throw unreachable;
            }
            throw e;
        }
    }

    private static IdxDataset read(URI uri, Path base, String prefix, int limit, Configuration conf)
            throws IOException {
        FileSystem fs = FileSystem.get(uri, conf);
        Path images = find(fs, base, prefix + "-images-idx3-ubyte");
        Path labels = find(fs, base, prefix + "-labels-idx1-ubyte");
        int[] lab;
        int labelCount;
        try (IdxReader in = IdxReader.open(fs, labels)) {
            in.expectMagic(LABELS_MAGIC, "label");
            int n = in.count("labels");
            labelCount = n;
            in.expectBytes(n, 1, "labels");
            int take = limit > 0 ? Math.min(n, limit) : n;
            lab = in.readBytes(take, "labels");
        }
        try (IdxReader in = IdxReader.open(fs, images)) {
            in.expectMagic(IMAGES_MAGIC, "image");
            int n = in.count("images");
            int r = in.count("rows");
            int c = in.count("columns");
            if (r <= 0 || c <= 0 || r > 4096 || c > 4096) {
                throw new IOException(images + " has an implausible image size " + r + "x" + c
                        + " (each side must be 1..4096)");
            }
            if (n != labelCount) {
                throw new IOException(images + " has " + n + " images but " + labels + " has " + labelCount + " labels");
            }
            in.expectBytes(n, (long) r * c, "images of " + r + "x" + c);
            int take = limit > 0 ? Math.min(n, limit) : n;
            return new IdxDataset(in.readImages(take, r * c), lab, r, c);
        }
    }

    private static URI toUri(String dir) {
        return new Path(dir).toUri().getScheme() == null ? new java.io.File(dir).toURI() : new Path(dir).toUri();
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
        return images.get(i).clone();
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
            f[i] = images.get(from + i);
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
