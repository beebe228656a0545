package io.txtrain.core.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.client.HdfsDataInputStream;
import org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException;
import org.apache.hadoop.ipc.RemoteException;

/**
 * The file operations the protocol needs, with the same guarantees on every Hadoop file system.
 * On {@code file://} durability and exclusive creation bypass Hadoop's local file system, whose
 * {@code hsync} does not reach the disk and whose exclusive create is not atomic; everything else
 * goes through {@link FileSystem}.
 */
public final class DurableFs {
    /** Permission of the directories txtrain creates unless told otherwise (spark.txtrain.dir.permission). */
    public static final short DEFAULT_DIR_PERMISSION = 0700;

    private final FileSystem fs;
    private final boolean local;
    private final FsPermission dirPermission;
    private final FsPermission filePermission;

    private DurableFs(FileSystem fs, short dirPermission) {
        this.fs = fs;
        this.local = fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem;
        this.dirPermission = new FsPermission(dirPermission);
        this.filePermission = new FsPermission((short) (dirPermission & 0666));
    }

    public static DurableFs of(FileSystem fs) {
        return new DurableFs(fs, DEFAULT_DIR_PERMISSION);
    }

    /**
     * The same file system, creating directories with exactly {@code dirPermission} and files with
     * it less the execute bits, whatever the umask (fs.permissions.umask-mode) says.
     */
    public DurableFs withPermission(short dirPermission) {
        return new DurableFs(fs, dirPermission);
    }

    public FsPermission dirPermission() {
        return dirPermission;
    }

    public FsPermission filePermission() {
        return filePermission;
    }

    /** The file system of {@code uri}, with bounded RPC timeouts unless set ({@link HadoopClientTimeouts}). */
    public static DurableFs forUri(URI uri, Configuration conf) throws IOException {
        return new DurableFs(FileSystem.get(uri, HadoopClientTimeouts.apply(conf)), DEFAULT_DIR_PERMISSION);
    }

    public FileSystem fileSystem() {
        return fs;
    }

    public boolean isLocal() {
        return local;
    }

    public Path qualify(Path p) {
        return fs.makeQualified(p);
    }

    /**
     * Creates a new file for durable appends. With {@code exclusive}, fails with
     * {@link org.apache.hadoop.fs.FileAlreadyExistsException} if the file exists, atomically. The
     * new directory entry is durable on return.
     */
    public DurableOutput create(Path path, boolean exclusive) throws IOException {
        return create(path, exclusive, true);
    }

    /**
     * As {@link #create(Path, boolean)}; with {@code syncParent} false the new directory entry is
     * not yet durable, and the caller makes it so with one {@link #syncDirectory} after creating
     * all the files of a directory (a checkpoint's blobs and manifest).
     */
    public DurableOutput create(Path path, boolean exclusive, boolean syncParent) throws IOException {
        return create(path, exclusive, syncParent, false);
    }

    /**
     * As {@link #create(Path, boolean, boolean)}, but fails with {@link FileNotFoundException} if the
     * parent directory does not exist, on every file system (HDFS would otherwise create it with
     * the umask's permission instead of this file system's directory permission).
     */
    public DurableOutput createInExistingDirectory(Path path, boolean exclusive, boolean syncParent)
            throws IOException {
        return create(path, exclusive, syncParent, true);
    }

    private DurableOutput create(Path path, boolean exclusive, boolean syncParent, boolean parentMustExist)
            throws IOException {
        if (local) {
            java.nio.file.Path file = localFile(path);
            FileChannel ch;
            try {
                // created with at most these bits (the umask can only narrow them), then set exactly
                ch = exclusive
                        ? FileChannel.open(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                                posix(filePermission))
                        : FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                                StandardOpenOption.TRUNCATE_EXISTING), posix(filePermission));
                setLocalPermission(file, filePermission);
            } catch (FileAlreadyExistsException e) {
                throw new org.apache.hadoop.fs.FileAlreadyExistsException(path + " already exists");
            } catch (java.nio.file.NoSuchFileException e) {
                throw new FileNotFoundException("parent directory of " + path + " does not exist");
            }
            if (syncParent) {
                syncDirectory(path.getParent());
            }
            return new LocalOutput(ch);
        }
        FSDataOutputStream out;
        try {
            int buffer = fs.getConf().getInt("io.file.buffer.size", 4096);
            out = parentMustExist
                    ? fs.createNonRecursive(path, filePermission, !exclusive, buffer, fs.getDefaultReplication(path),
                            fs.getDefaultBlockSize(path), null)
                    : fs.create(path, filePermission, !exclusive, buffer, fs.getDefaultReplication(path),
                            fs.getDefaultBlockSize(path), null);
        } catch (RemoteException e) {
            if (exclusive && AlreadyBeingCreatedException.class.getName().equals(e.getClassName())) {
                // HDFS: another client (or thread of this one) is creating the same file right now
                throw new org.apache.hadoop.fs.FileAlreadyExistsException(path + " is being created by another writer");
            }
            throw e;
        }
        if (!filePermission.applyUMask(FsPermission.getUMask(fs.getConf())).equals(filePermission)) {
            fs.setPermission(path, filePermission); // the umask took bits away
        }
        return new HadoopOutput(out);
    }

    private static java.nio.file.attribute.FileAttribute<Set<PosixFilePermission>> posix(FsPermission p) {
        return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(p.toString()));
    }

    private static void setLocalPermission(java.nio.file.Path file, FsPermission p) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(p.toString()));
    }

    /** Writes a whole small file durably under a temporary name, then renames it into place. */
    public void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + System.nanoTime());
        try (DurableOutput out = create(tmp, true)) {
            out.write(bytes);
            out.sync();
        }
        if (!rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not publish " + target + " (rename from " + tmp + " failed)");
        }
    }

    /**
     * Atomically renames {@code src} to {@code dst}, which must not exist, and makes the rename
     * durable. Returns false if the rename did not happen.
     */
    public boolean rename(Path src, Path dst) throws IOException {
        if (fs instanceof DistributedFileSystem dfs) {
            try {
                dfs.rename(src, dst, Options.Rename.NONE); // one NameNode call; refuses an existing dst
                return true;
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException | FileNotFoundException e) {
                return false; // an existing target, or no source
            }
        }
        if (fs.exists(dst)) {
            return false; // a plain rename would move src *into* an existing directory
        }
        if (local) {
            // rename(2) directly: txtrain's local files have no checksum sidecars for Hadoop to move along
            try {
                Files.move(localFile(src), localFile(dst), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.NoSuchFileException e) {
                return false;
            }
            syncDirectory(dst.getParent());
            return true;
        }
        boolean ok = fs.rename(src, dst);
        if (ok) {
            syncDirectory(dst.getParent());
        }
        return ok;
    }

    /** Makes directory entries (creations, renames) durable on a local disk; a no-op on HDFS. */
    public void syncDirectory(Path dir) throws IOException {
        if (!local || dir == null) {
            return;
        }
        try (FileChannel ch = FileChannel.open(localFile(dir), StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Creates {@code dir} and missing parents with this file system's directory permission. */
    public void mkdirs(Path dir) throws IOException {
        mkdirs(dir, dirPermission);
    }

    public void mkdirs(Path dir, FsPermission permission) throws IOException {
        if (!fs.exists(dir)) {
            if (!fs.mkdirs(dir, permission)) {
                throw new IOException("could not create directory " + dir);
            }
            fs.setPermission(dir, permission);
            syncDirectory(dir.getParent());
        }
    }

    /**
     * Creates one new directory whose parent exists; its entry becomes durable with the parent's
     * next {@link #syncDirectory}. On {@code file://} through java.nio: without Hadoop's native
     * library, its local {@code mkdirs} forks a {@code chmod} process for every directory.
     */
    public void mkdir(Path dir) throws IOException {
        if (local) {
            java.nio.file.Path d = Files.createDirectory(localFile(dir), posix(dirPermission));
            setLocalPermission(d, dirPermission);
        } else if (!fs.mkdirs(dir, dirPermission)) {
            throw new IOException("could not create directory " + dir);
        } else if (!dirPermission.applyUMask(FsPermission.getUMask(fs.getConf())).equals(dirPermission)) {
            fs.setPermission(dir, dirPermission);
        }
    }

    public FSDataInputStream open(Path p) throws IOException {
        return fs.open(p);
    }

    /**
     * Bytes a reader can read from {@code p} now. For an HDFS file still open for writing (the
     * active log segment, or that of a writer that died) this is the length visible on the
     * DataNodes, which includes every {@code hsync}ed byte; the NameNode learns the length only
     * at a block's first sync and at close, so {@link #status} would miss later commits.
     */
    public long visibleLength(Path p) throws IOException {
        if (fs instanceof DistributedFileSystem) {
            try (FSDataInputStream in = fs.open(p)) {
                if (in instanceof HdfsDataInputStream h) {
                    return h.getVisibleLength();
                }
            }
        }
        return fs.getFileStatus(p).getLen();
    }

    /**
     * Whether no writer has {@code p} open: always true outside HDFS, and for a file that is gone.
     * A reader that waits for this before reading a small file that its writer creates, syncs and
     * closes at once never reads a block the DataNodes are still setting up.
     */
    public boolean isClosed(Path p) throws IOException {
        if (fs instanceof DistributedFileSystem dfs) {
            try {
                return dfs.isFileClosed(p);
            } catch (java.io.FileNotFoundException gone) {
                return true;
            }
        }
        return true;
    }

    public boolean exists(Path p) throws IOException {
        return fs.exists(p);
    }

    public FileStatus status(Path p) throws IOException {
        return fs.getFileStatus(p);
    }

    /** Entries of a directory sorted by name, without hidden side files; empty if it is missing. */
    public FileStatus[] list(Path dir) throws IOException {
        FileStatus[] all;
        try {
            all = fs.listStatus(dir); // one call (one NameNode RPC on HDFS): the fence check lists on every commit
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
        return Arrays.stream(all)
                .filter(s -> !s.getPath().getName().startsWith("."))
                .sorted(Comparator.comparing(s -> s.getPath().getName()))
                .toArray(FileStatus[]::new);
    }

    /**
     * The names in {@code dir}, sorted, without hidden ones (starting with "."); empty if it does
     * not exist. As {@link #list} without the entries' attributes: one NameNode call on HDFS, one
     * directory read and no {@code stat} per entry on a local disk (the fence check's listing).
     */
    public List<String> listNames(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        if (local) {
            try (DirectoryStream<java.nio.file.Path> entries = Files.newDirectoryStream(localFile(dir))) {
                for (java.nio.file.Path e : entries) {
                    names.add(e.getFileName().toString());
                }
            } catch (java.nio.file.NoSuchFileException e) {
                return names;
            }
        } else {
            FileStatus[] all;
            try {
                all = fs.listStatus(dir);
            } catch (FileNotFoundException e) {
                return names;
            }
            for (FileStatus s : all) {
                names.add(s.getPath().getName());
            }
        }
        names.removeIf(n -> n.startsWith("."));
        names.sort(null);
        return names;
    }

    public byte[] readAll(Path p, long maxBytes) throws IOException {
        long len = fs.getFileStatus(p).getLen();
        if (len > maxBytes) {
            throw new IOException(p + " is " + len + " bytes, more than the " + maxBytes + " allowed");
        }
        byte[] b = new byte[(int) len];
        try (var in = fs.open(p)) {
            in.readFully(0, b);
        }
        return b;
    }

    public void delete(Path p, boolean recursive) throws IOException {
        fs.delete(p, recursive);
    }

    public void touch(Path p, long mtimeMillis) throws IOException {
        fs.setTimes(p, mtimeMillis, -1);
    }

    /**
     * On HDFS, revokes the write lease of whoever still has {@code p} open and waits (bounded)
     * until the file is closed, so that a fenced-out writer's further writes fail.
     */
    public void recoverLease(Path p, long timeoutMillis) throws IOException {
        if (!(fs instanceof DistributedFileSystem dfs)) {
            return;
        }
        long deadline = System.currentTimeMillis() + timeoutMillis;
        boolean closed = dfs.recoverLease(p);
        while (!closed && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while recovering the HDFS lease of " + p, e);
            }
            closed = dfs.isFileClosed(p);
        }
        if (!closed) {
            throw new IOException("HDFS did not close " + p + " within " + timeoutMillis
                    + " ms of lease recovery; retry later");
        }
    }

    private java.nio.file.Path localFile(Path p) {
        return java.nio.file.Paths.get(fs.makeQualified(p).toUri());
    }

    private static final class LocalOutput implements DurableOutput {
        private final FileChannel ch;
        private long pos;

        LocalOutput(FileChannel ch) {
            this.ch = ch;
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            write(ByteBuffer.wrap(bytes, off, len));
        }

        @Override
        public void write(ByteBuffer b) throws IOException {
            while (b.hasRemaining()) {
                pos += ch.write(b);
            }
        }

        @Override
        public void sync() throws IOException {
            ch.force(false);
        }

        @Override
        public long position() {
            return pos;
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    /**
     * An HDFS output stream. After a failed write or sync, HDFS's {@code close()} throws the very
     * same exception object again; a try-with-resources block would then call
     * {@code e.addSuppressed(e)}, which replaces the real error (a quota or pipeline failure) with
     * "Self-suppression not permitted". The error already thrown is therefore not thrown again.
     */
    private static final class HadoopOutput implements DurableOutput {
        /** Largest copy of a direct buffer's bytes on the heap: the stream takes arrays only. */
        private static final int CHUNK = 4 << 20;
        private final FSDataOutputStream out;
        private IOException thrown;
        private byte[] chunk;

        HadoopOutput(FSDataOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(byte[] bytes, int off, int len) throws IOException {
            try {
                out.write(bytes, off, len);
            } catch (IOException e) {
                thrown = e;
                throw e;
            }
        }

        @Override
        public void write(ByteBuffer b) throws IOException {
            if (b.hasArray()) {
                write(b.array(), b.arrayOffset() + b.position(), b.remaining());
                b.position(b.limit());
                return;
            }
            while (b.hasRemaining()) {
                int n = Math.min(CHUNK, b.remaining());
                if (chunk == null || chunk.length < n) {
                    chunk = new byte[n];
                }
                b.get(chunk, 0, n);
                write(chunk, 0, n);
            }
        }

        /**
         * On HDFS the bytes are persisted on the DataNode pipeline. The NameNode's length of a file
         * under construction is not updated (that would cost another NameNode round trip per
         * commit); readers take the DataNodes' visible length instead (docs/PROTOCOL.md §3.2).
         */
        @Override
        public void sync() throws IOException {
            try {
                out.hsync();
            } catch (IOException e) {
                thrown = e;
                throw e;
            }
        }

        @Override
        public long position() {
            return out.getPos();
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                if (e != thrown) {
                    throw e;
                }
            }
        }
    }
}
