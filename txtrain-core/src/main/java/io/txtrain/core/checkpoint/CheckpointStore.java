package io.txtrain.core.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.codec.CorruptFrameException;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.fs.DurableOutput;

/**
 * Publishes, lists, verifies and deletes checkpoints (docs/PROTOCOL.md §4). A checkpoint exists
 * only after its directory is renamed into place, which happens after the blobs and, last, the
 * manifest are durable.
 */
public final class CheckpointStore {
    private static final int WRITE_CHUNK = 4 << 20;
    private final DurableFs fs;
    private final DirLayout layout;

    public CheckpointStore(DurableFs fs, DirLayout layout) {
        this.fs = fs;
        this.layout = layout;
    }

    /**
     * Writes and publishes a snapshot. If it throws, nothing was published and the temporary
     * directory was removed where possible; earlier checkpoints are untouched.
     */
    public CheckpointRef publish(CheckpointSnapshot snap, long writerEpoch) throws IOException {
        Path tmp = layout.tmpCheckpoint(snap.round(), writerEpoch, UUID.randomUUID().toString());
        try {
            fs.mkdirs(layout.checkpointDir(), org.apache.hadoop.fs.permission.FsPermission.createImmutable((short) 0700));
            fs.mkdir(tmp);
            List<Manifest.Entry> entries = new ArrayList<>();
            for (String name : snap.names()) {
                byte[] b = snap.blob(name);
                int crc = writeFile(new Path(tmp, DirLayout.BLOB_PREFIX + name), b);
                entries.add(new Manifest.Entry(name, b.length, crc));
            }
            Manifest m = new Manifest(snap.round(), writerEpoch, System.currentTimeMillis(), snap.stateChecksum(),
                    entries);
            writeFile(new Path(tmp, DirLayout.MANIFEST), FrameCodec.encode(RecordType.MANIFEST, m.encode()));
            fs.syncDirectory(tmp); // every entry of tmp durable before the rename can be
            Path target = layout.checkpoint(snap.round(), writerEpoch);
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not publish checkpoint " + target + " (rename from " + tmp + " failed)");
            }
            return new CheckpointRef(snap.round(), writerEpoch, target, System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(tmp, true);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Writes and syncs one file of the temporary directory, whose entries publish() syncs at once.
     * Returns the bytes' CRC32C, computed chunk by chunk as they are written (one pass over them).
     */
    private int writeFile(Path p, byte[] bytes) throws IOException {
        CRC32C crc = new CRC32C();
        try (DurableOutput out = fs.create(p, true, false)) {
            // straight from the snapshot's array: no copy; the chunks bound the temporary direct
            // buffer the JDK uses for a heap array on a FileChannel
            for (int off = 0; off < bytes.length; off += WRITE_CHUNK) {
                int n = Math.min(WRITE_CHUNK, bytes.length - off);
                crc.update(bytes, off, n);
                out.write(bytes, off, n);
            }
            out.sync();
        }
        return (int) crc.getValue();
    }

    /** Published checkpoints, newest (highest round, then epoch) first. Unknown entries fail. */
    public List<CheckpointRef> list() throws IOException {
        List<CheckpointRef> refs = new ArrayList<>();
        for (FileStatus s : fs.list(layout.checkpointDir())) {
            String name = s.getPath().getName();
            long[] k = DirLayout.parseCheckpoint(name);
            if (k != null) {
                refs.add(new CheckpointRef(k[0], k[1], s.getPath(), s.getModificationTime()));
            } else if (!DirLayout.isTmpCheckpoint(name)) {
                throw new IOException("unknown entry in the checkpoint directory: " + s.getPath());
            }
        }
        refs.sort(Comparator.comparingLong(CheckpointRef::round).thenComparingLong(CheckpointRef::writerEpoch)
                .reversed());
        return refs;
    }

    /** Temporary directories of unfinished persists. */
    public List<Path> listTemporary() throws IOException {
        List<Path> out = new ArrayList<>();
        for (FileStatus s : fs.list(layout.checkpointDir())) {
            if (DirLayout.isTmpCheckpoint(s.getPath().getName())) {
                out.add(s.getPath());
            }
        }
        return out;
    }

    /** Reads and verifies only the manifest. */
    public Manifest readManifest(CheckpointRef ref) throws IOException {
        Path mp = new Path(ref.path(), DirLayout.MANIFEST);
        try {
            if (!fs.exists(mp)) {
                throw new CheckpointCorruptException(ref.path() + ": MANIFEST is missing");
            }
            long len = fs.status(mp).getLen();
            try (InputStream in = fs.open(mp)) {
                FrameReader r = new FrameReader(in, mp.toString(), len);
                Frame f = r.expect(RecordType.MANIFEST);
                if (r.position() != len) {
                    throw new CheckpointCorruptException(mp + ": trailing bytes after the manifest record");
                }
                Manifest m = Manifest.decode(f.payload());
                if (m.round() != ref.round() || m.writerEpoch() != ref.writerEpoch()) {
                    throw new CheckpointCorruptException(mp + ": manifest is for round " + m.round() + " epoch "
                            + m.writerEpoch() + ", not the directory's");
                }
                return m;
            }
        } catch (CorruptFrameException | PayloadReader.MalformedPayloadException e) {
            throw new CheckpointCorruptException(e.getMessage(), e);
        }
    }

    /** Loads every blob and checks it against the manifest (length and CRC32C). */
    public VerifiedCheckpoint load(CheckpointRef ref) throws IOException {
        Manifest m = readManifest(ref);
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        for (Manifest.Entry e : m.entries()) {
            Path bp = new Path(ref.path(), DirLayout.BLOB_PREFIX + e.name());
            if (!fs.exists(bp)) {
                throw new CheckpointCorruptException(bp + ": blob is missing");
            }
            long len = fs.status(bp).getLen();
            if (len != e.length()) {
                throw new CheckpointCorruptException(bp + ": length " + len + ", manifest says " + e.length());
            }
            byte[] b = fs.readAll(bp, Integer.MAX_VALUE - 8);
            int crc = FrameCodec.crc32c(b);
            if (crc != e.crc32c()) {
                throw new CheckpointCorruptException(bp + ": CRC32C mismatch (manifest " + Integer.toHexString(e.crc32c())
                        + ", file " + Integer.toHexString(crc) + ")");
            }
            blobs.put(e.name(), b);
        }
        return new VerifiedCheckpoint(ref, m, blobs);
    }

    public void delete(CheckpointRef ref) throws IOException {
        fs.delete(ref.path(), true);
    }
}
