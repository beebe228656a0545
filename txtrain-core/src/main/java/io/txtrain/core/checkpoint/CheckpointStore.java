package io.txtrain.core.checkpoint;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.fs.DurableOutput;
import io.txtrain.core.lease.Fence;

/**
 * Publishes, lists, verifies and deletes checkpoints (docs/PROTOCOL.md §4). A checkpoint exists
 * only after its file is renamed into place, which happens after the blobs and, last, the
 * manifest are durable. Checkpoints of earlier writers (a directory per checkpoint) are listed,
 * verified, loaded and deleted alike.
 */
public final class CheckpointStore {
    private final DurableFs fs;
    private final DirLayout layout;

    public CheckpointStore(DurableFs fs, DirLayout layout) {
        this.fs = fs;
        this.layout = layout;
    }

    /**
     * Writes and publishes a snapshot. If it throws, nothing was published and the temporary
     * file was removed where possible; earlier checkpoints are untouched.
     */
    public CheckpointRef publish(CheckpointSnapshot snap, long writerEpoch) throws IOException {
        return publish(snap, writerEpoch, Fence.NONE);
    }

    /**
     * As {@link #publish(CheckpointSnapshot, long)}, for a writer that may be fenced out: the fence
     * is checked before anything is written and again just before the publishing rename. A fenced
     * writer's temporary file is removed again; nothing is published.
     *
     * <p>One file, one sync, one rename (docs/PROTOCOL.md §4.1): the blobs, the manifest and its
     * footer are written to {@code _tmp-…}, synced once, and renamed to {@code ckpt-…}, which on
     * {@code file://} also syncs {@code checkpoints/} so that the rename is durable.
     */
    public CheckpointRef publish(CheckpointSnapshot snap, long writerEpoch, Fence fence) throws IOException {
        fence.check();
        Path tmp = layout.tmpCheckpoint(snap.round(), writerEpoch, UUID.randomUUID().toString());
        try {
            try (DurableOutput out = createTemporary(tmp)) {
                CheckpointFile.write(out, snap, writerEpoch, System.currentTimeMillis());
                out.sync();
            }
            fence.check();
            Path target = layout.checkpoint(snap.round(), writerEpoch);
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not publish checkpoint " + target + " (rename from " + tmp + " failed)");
            }
            return new CheckpointRef(snap.round(), writerEpoch, target, System.currentTimeMillis());
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Creates the temporary file. Its directory entry need not be durable on its own: the rename's
     * sync of {@code checkpoints/} (the same directory) covers it. {@code checkpoints/} exists from
     * the writer's start; only if it was removed since is it created again (with the configured
     * permission).
     */
    private DurableOutput createTemporary(Path tmp) throws IOException {
        try {
            return fs.createInExistingDirectory(tmp, true, false);
        } catch (FileNotFoundException e) {
            if (fs.exists(layout.checkpointDir())) {
                throw e;
            }
            fs.mkdirs(layout.checkpointDir());
            return fs.createInExistingDirectory(tmp, true, false);
        }
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

    /** Temporary files of unfinished persists (directories, if an earlier writer left them). */
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
        FileStatus st = status(ref, defects);
        if (st == null) {
            return null;
        }
        return st.isDirectory() ? CheckpointDirectory.check(fs, ref, defects, keep)
                : CheckpointFile.check(fs, ref, st.getLen(), defects, keep);
    }

    private Manifest manifest(CheckpointRef ref, List<CheckpointDefect> defects) throws IOException {
        FileStatus st = status(ref, defects);
        if (st == null) {
            return null;
        }
        if (st.isDirectory()) {
            return CheckpointDirectory.manifest(fs, ref, defects);
        }
        try (FSDataInputStream in = fs.open(ref.path())) {
            return CheckpointFile.manifest(in, ref, st.getLen(), defects);
        }
    }

    /** The checkpoint's file (one-file format) or directory (earlier writers' format). */
    private FileStatus status(CheckpointRef ref, List<CheckpointDefect> defects) throws IOException {
        try {
            return fs.status(ref.path());
        } catch (FileNotFoundException e) {
            defects.add(CheckpointFile.damaged(ref.path(), -1, "checkpoint is gone (deleted since it was listed)"));
            return null;
        }
    }

    public void delete(CheckpointRef ref, Fence fence) throws IOException {
        fence.check();
        fs.delete(ref.path(), true);
    }
}
