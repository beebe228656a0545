package io.txtrain.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged and crafted IDX files, plain and gzip: every one fails with an IOException naming the
 * file and what is wrong, never an OutOfMemoryError from a header's counts, a bare EOFException or
 * a bare ZipException. Sound files of the same shape load.
 */
class IdxDatasetHostileInputTest {
    static final int LABELS = 0x801;
    static final int IMAGES = 0x803;

    @TempDir
    Path dir;

    private static byte[] header(int... ints) {
        ByteBuffer b = ByteBuffer.allocate(4 * ints.length);
        for (int i : ints) {
            b.putInt(i);
        }
        return b.array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] labels(int claimed, int actual) {
        return concat(header(LABELS, claimed), new byte[actual]);
    }

    private static byte[] images(int claimed, int rows, int cols, int actualBytes) {
        return concat(header(IMAGES, claimed, rows, cols), new byte[actualBytes]);
    }

    /** Writes the pair, gzip-compressed when {@code gz}. */
    private void write(boolean gz, byte[] labels, byte[] images) throws IOException {
        String ext = gz ? ".gz" : "";
        Files.write(dir.resolve("train-labels-idx1-ubyte" + ext), gz ? gzip(labels) : labels);
        Files.write(dir.resolve("train-images-idx3-ubyte" + ext), gz ? gzip(images) : images);
    }

    private IOException loadFails(String file, String... says) {
        IOException e = assertThrows(IOException.class,
                () -> IdxDataset.load(dir.toString(), "train", 0, new Configuration()));
        assertTrue(e.getMessage().contains(dir.resolve(file).toString()), "names the file: " + e.getMessage());
        for (String s : says) {
            assertTrue(e.getMessage().contains(s), "says '" + s + "': " + e.getMessage());
        }
        return e;
    }

    @Test
    void soundFilesLoad() throws Exception {
        for (boolean gz : new boolean[] {false, true}) {
            write(gz, labels(3, 3), images(3, 2, 2, 12));
            IdxDataset d = IdxDataset.load(dir.toString(), "train", 0, new Configuration());
            assertEquals(3, d.size());
            assertEquals(4, d.features());
            for (String f : new String[] {"train-labels-idx1-ubyte", "train-images-idx3-ubyte"}) {
                Files.delete(dir.resolve(f + (gz ? ".gz" : "")));
            }
        }
    }

    @Test
    void hugeLabelCountInAPlainFileIsCheckedAgainstItsSize() throws Exception {
        write(false, labels(2_000_000_000, 3), images(3, 2, 2, 12));
        loadFails("train-labels-idx1-ubyte", "header gives 2000000000 labels", "3 bytes follow the header");
    }

    @Test
    void hugeLabelCountInAGzipFileAllocatesOnlyWhatIsRead() throws Exception {
        write(true, labels(2_000_000_000, 3), images(3, 2, 2, 12));
        loadFails("train-labels-idx1-ubyte.gz", "header gives 2000000000 labels", "ends after 3");
    }

    @Test
    void hugeImageCountsAreCheckedBeforeAllocating() throws Exception {
        write(false, labels(1_000_000, 1_000_000), images(1_000_000, 4096, 4096, 16));
        loadFails("train-images-idx3-ubyte", "header gives 1000000 images of 4096x4096");
        Files.delete(dir.resolve("train-labels-idx1-ubyte"));
        Files.delete(dir.resolve("train-images-idx3-ubyte"));
        write(true, labels(1_000_000, 1_000_000), images(1_000_000, 4096, 4096, 16));
        loadFails("train-images-idx3-ubyte.gz", "header gives 1000000 images", "ends after 0");
    }

    @Test
    void truncatedFileSaysSo() throws Exception {
        write(false, labels(3, 3), images(3, 2, 2, 7));
        loadFails("train-images-idx3-ubyte", "truncated", "header gives 3 images of 2x2");
    }

    @Test
    void fileCutInsideTheHeaderSaysSo() throws Exception {
        write(false, Arrays.copyOf(labels(3, 3), 6), images(3, 2, 2, 12));
        loadFails("train-labels-idx1-ubyte", "truncated", "number of labels");
    }

    @Test
    void gzNameOnAFileThatIsNotGzipSaysSo() throws Exception {
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), labels(3, 3));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(3, 2, 2, 12)));
        loadFails("train-labels-idx1-ubyte.gz", "is not a gzip file");
    }

    @Test
    void damagedGzipDataSaysSo() throws Exception {
        byte[] gz = gzip(images(3, 2, 2, 12));
        for (int i = 10; i < gz.length - 8; i++) {
            gz[i] ^= (byte) 0x5a;
        }
        Files.write(dir.resolve("train-labels-idx1-ubyte.gz"), gzip(labels(3, 3)));
        Files.write(dir.resolve("train-images-idx3-ubyte.gz"), gz);
        loadFails("train-images-idx3-ubyte.gz");
    }

    @Test
    void wrongMagicSaysWhichFileAndWhatWasExpected() throws Exception {
        write(false, labels(3, 3), concat(header(0x1234, 3, 2, 2), new byte[12]));
        loadFails("train-images-idx3-ubyte", "not an IDX image file", "0x00001234", "0x00000803");
    }
}
