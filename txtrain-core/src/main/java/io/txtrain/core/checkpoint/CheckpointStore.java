package io.txtrain.core.checkpoint;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.CRC32C;

import org.apache.hadoop.fs.FSDataInputStream;
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
import io.txtrain.core.lease.Fence;

/**
 * Publishes, lists, verifies and deletes checkpoints (docs/PROTOCOL.md §4). A checkpoint exists
 * only after its directory is renamed into place, which happens after the blobs and, last, the
 * manifest are durable.
 */
public final class CheckpointStore {
    private static final int WRITE_CHUNK = 4 << 20;
    private static final int READ_CHUNK = 1 << 20;
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
        return publish(snap, writerEpoch, Fence.NONE);
    }

    /**
     * As {@link #publish(CheckpointSnapshot, long)}, for a writer that may be fenced out: the fence
     * is checked before anything is written and again just before the publishing rename. A fenced
     * writer's temporary directory is removed again; nothing is published.
     */
    public CheckpointRef publish(CheckpointSnapshot snap, long writerEpoch, Fence fence) throws IOException {
        fence.check();
        Path tmp = layout.tmpCheckpoint(snap.round(), writerEpoch, UUID.randomUUID().toString());
        try {
            fs.mkdirs(layout.checkpointDir());
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
            fence.check();
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
        List<CheckpointDefect> defects = new ArrayList<>();
        Manifest m = manifest(ref, defects);
        if (m == null) {
            throw corrupt(defects.get(0));
        }
        return m;
    }

    /**
     * Checks a checkpoint's manifest and every blob (rules a and b of docs/PROTOCOL.md §4) with a
     * fixed-size buffer, and reports every defect found: the one implementation of these rules,
     * for recovery ({@link #load}) and for the verifier alike.
     *
     * @return the manifest, or null if it does not verify; {@code defects} receives each problem
     */
    public Manifest check(CheckpointRef ref, List<CheckpointDefect> defects) throws IOException {
        return check(ref, defects, null);
    }

    /** Loads every blob, verified as {@link #check} does; the first defect is the exception. */
    public VerifiedCheckpoint load(CheckpointRef ref) throws IOException {
        List<CheckpointDefect> defects = new ArrayList<>();
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        Manifest m = check(ref, defects, blobs);
        if (!defects.isEmpty()) {
            throw corrupt(defects.get(0));
        }
        return new VerifiedCheckpoint(ref, m, blobs);
    }

    static CheckpointCorruptException corrupt(CheckpointDefect d) {
        return new CheckpointCorruptException(d);
    }

    private Manifest check(CheckpointRef ref, List<CheckpointDefect> defects, Map<String, byte[]> keep)
            throws IOException {
        Manifest m = manifest(ref, defects);
        if (m == null) {
            return null;
        }
        for (Manifest.Entry e : m.entries()) {
            Path bp = new Path(ref.path(), DirLayout.BLOB_PREFIX + e.name());
            if (!fs.exists(bp)) {
                defects.add(damaged(bp, -1, "blob is missing; the manifest lists it with " + e.length() + " bytes"));
                continue;
            }
            long len = fs.status(bp).getLen();
            if (len != e.length()) {
                defects.add(damaged(bp, Math.min(len, e.length()), "length " + len + ", manifest says " + e.length()));
                continue;
            }
            byte[] whole = keep == null ? null : new byte[(int) len]; // len verified against the manifest
            int crc = crc(bp, len, whole);
            if (crc != e.crc32c()) {
                defects.add(damaged(bp, -1, "CRC32C of bytes 0-" + Math.max(0, len - 1) + " (the whole blob) is "
                        + hex(crc) + ", the manifest says " + hex(e.crc32c()) + " (CRC32C mismatch): the blob is damaged"));
                continue;
            }
            if (keep != null) {
                keep.put(e.name(), whole);
            }
        }
        return m;
    }

    private Manifest manifest(CheckpointRef ref, List<CheckpointDefect> defects) throws IOException {
        Path mp = new Path(ref.path(), DirLayout.MANIFEST);
        if (!fs.exists(mp)) {
            defects.add(damaged(mp, -1, "MANIFEST is missing"));
            return null;
        }
        long len = fs.status(mp).getLen();
        try (FSDataInputStream in = fs.open(mp)) {
            FrameReader r = new FrameReader(in, mp.toString(), len);
            Frame f = r.expect(RecordType.MANIFEST);
            if (r.position() != len) {
                defects.add(damaged(mp, r.position(), "trailing bytes after the manifest record"));
                return null;
            }
            Manifest m = Manifest.decode(f.payload());
            if (m.round() != ref.round() || m.writerEpoch() != ref.writerEpoch()) {
                defects.add(damaged(mp, 0, "manifest is for round " + m.round() + " epoch " + m.writerEpoch()
                        + ", not the directory's"));
                return null;
            }
            return m;
        } catch (CorruptFrameException e) {
            defects.add(damaged(mp, e.offset(), e.reason()));
            return null;
        } catch (PayloadReader.MalformedPayloadException e) {
            defects.add(damaged(mp, 0, e.getMessage()));
            return null;
        }
    }

    /** CRC32C of a file, read in fixed-size chunks; with {@code into}, the bytes are kept there too. */
    private int crc(Path p, long len, byte[] into) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = into != null ? into : new byte[(int) Math.min(READ_CHUNK, Math.max(1, len))];
        try (FSDataInputStream in = fs.open(p)) {
            long at = 0;
            while (at < len) {
                int n = (int) Math.min(into != null ? len - at : buf.length, len - at);
                int off = into != null ? (int) at : 0;
                in.readFully(at, buf, off, n);
                crc.update(buf, off, n);
                at += n;
            }
        }
        return (int) crc.getValue();
    }

    private static CheckpointDefect damaged(Path p, long offset, String message) {
        return new CheckpointDefect(p, offset, CheckpointDefect.Kind.DAMAGED, message);
    }

    private static String hex(int crc) {
        return String.format("%08x", crc);
    }

    public void delete(CheckpointRef ref, Fence fence) throws IOException {
        fence.check();
        fs.delete(ref.path(), true);
    }
}
