package io.txtrain.core.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32C;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.checkpoint.Manifest;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;

/**
 * Where things are in a one-file checkpoint (docs/PROTOCOL.md §4.1), read independently of the
 * code under test, so tests can damage exactly one blob, the manifest or the footer; and a writer
 * of the directory checkpoints of earlier txtrain versions (§4.2), byte for byte as they wrote them.
 */
public final class CheckpointBytes {
    public static final int FOOTER_BYTES = 12;

    private CheckpointBytes() {
    }

    /** Offset of the MANIFEST frame, from the footer. */
    public static long manifestOffset(byte[] file) {
        ByteBuffer f = ByteBuffer.wrap(file, file.length - FOOTER_BYTES, FOOTER_BYTES);
        long at = f.getLong();
        if (f.getInt() != 0x5458434B) {
            throw new AssertionError("no TXCK footer");
        }
        return at;
    }

    public static Manifest manifest(byte[] file) {
        int at = (int) manifestOffset(file);
        byte[] frame = Arrays.copyOfRange(file, at, file.length - FOOTER_BYTES);
        try {
            return Manifest.decode(new FrameReader(new java.io.ByteArrayInputStream(frame), "test", frame.length)
                    .expect(RecordType.MANIFEST).payload());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {offset, length} of blob {@code name} in the file. */
    public static long[] blob(byte[] file, String name) {
        long at = 0;
        for (Manifest.Entry e : manifest(file).entries()) {
            if (e.name().equals(name)) {
                return new long[] {at, e.length()};
            }
            at += e.length();
        }
        throw new AssertionError("no blob " + name);
    }

    /** The file with one bit flipped in the middle of blob {@code name}. */
    public static byte[] flipInBlob(byte[] file, String name) {
        long[] b = blob(file, name);
        byte[] out = file.clone();
        out[(int) (b[0] + b[1] / 2)] ^= 0x10;
        return out;
    }

    /**
     * Writes a checkpoint directory as writers before the one-file format did: {@code blob-<name>}
     * files and a {@code MANIFEST} file with one MANIFEST frame.
     */
    public static Path writeDirectoryCheckpoint(FileSystem fs, DirLayout layout, long round, long epoch,
                                                byte[] stateChecksum, Map<String, byte[]> blobs) throws IOException {
        if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local) {
            fs = local.getRaw(); // as txtrain wrote them: no .crc side files
        }
        Path dir = layout.checkpoint(round, epoch);
        fs.mkdirs(dir);
        java.util.List<Manifest.Entry> entries = new java.util.ArrayList<>();
        for (Map.Entry<String, byte[]> e : new java.util.TreeMap<>(blobs).entrySet()) {
            try (var out = fs.create(new Path(dir, DirLayout.BLOB_PREFIX + e.getKey()), false)) {
                out.write(e.getValue());
            }
            CRC32C crc = new CRC32C();
            crc.update(e.getValue());
            entries.add(new Manifest.Entry(e.getKey(), e.getValue().length, (int) crc.getValue()));
        }
        Manifest m = new Manifest(round, epoch, 1_700_000_000_000L, stateChecksum, entries);
        try (var out = fs.create(new Path(dir, DirLayout.MANIFEST), false)) {
            out.write(FrameCodec.encode(RecordType.MANIFEST, m.encode()));
        }
        return dir;
    }
}
