package io.txtrain.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.junit.jupiter.api.Assumptions;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;

/**
 * A real file system under test ({@code file://} or {@code hdfs://}) with the few raw operations
 * the tests need to damage a checkpoint directory the way a disk, a crash or a person would.
 */
public abstract class TestFs {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public abstract String scheme();

    public abstract Configuration conf();

    protected abstract URI base();

    private final List<URI> created = new CopyOnWriteArrayList<>();

    /** A new, not yet existing directory. */
    public URI newDir(String hint) {
        URI dir = URI.create(base() + "/" + hint + "-" + COUNTER.incrementAndGet());
        created.add(dir);
        return dir;
    }

    /** How many directories {@link #newDir} handed out so far. */
    public int created() {
        return created.size();
    }

    /** The directories handed out after the first {@code mark}. */
    public List<URI> createdSince(int mark) {
        return List.copyOf(created.subList(mark, created.size()));
    }

    public FileSystem fs() throws IOException {
        return FileSystem.get(base(), conf());
    }

    public DirLayout layout(URI dir) throws IOException {
        return new DirLayout(fs().makeQualified(new Path(dir)));
    }

    public DurableFs durable() throws IOException {
        return DurableFs.of(fs());
    }

    public byte[] read(Path p) throws IOException {
        try (InputStream in = fs().open(p)) {
            return in.readAllBytes();
        }
    }

    /**
     * Every entry below {@code dir} (hidden side files included): relative path to the SHA-256 of
     * a file's bytes, or "dir" for a directory. Two equal snapshots mean byte-for-byte the same tree.
     */
    public TreeMap<String, String> snapshot(URI dir) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        Path root = fs().makeQualified(new Path(dir));
        if (fs().exists(root)) {
            walk(root, root.toUri().getPath().length(), out);
        }
        return out;
    }

    private void walk(Path p, int prefix, TreeMap<String, String> out) throws IOException {
        for (FileStatus s : fs().listStatus(p)) {
            String rel = s.getPath().toUri().getPath().substring(prefix);
            if (s.isDirectory()) {
                out.put(rel, "dir");
                walk(s.getPath(), prefix, out);
            } else {
                out.put(rel, HexFormat.of().formatHex(Rounds.sha256(read(s.getPath()))));
            }
        }
    }

    /** This file system's configuration plus {@code extra}, with the FileSystem cache off so it takes effect. */
    public Configuration conf(Map<String, String> extra) {
        Configuration c = new Configuration(conf());
        extra.forEach(c::set);
        c.setBoolean("fs." + scheme() + ".impl.disable.cache", true);
        return c;
    }

    /** Replaces a file's whole content (HDFS cannot change bytes in place). */
    public abstract void replace(Path p, byte[] content) throws IOException;

    public void rewrite(Path p, UnaryOperator<byte[]> change) throws IOException {
        replace(p, change.apply(read(p)));
    }

    /** Makes creating anything below {@code dir} fail until the returned handle is closed. */
    public abstract AutoCloseable denyWrites(Path dir) throws Exception;

    @Override
    public String toString() {
        return scheme();
    }

    public static TestFs local() {
        return new Local();
    }

    public static TestFs hdfs(MiniDfsExtension dfs) {
        return new Hdfs(dfs);
    }

    private static final class Local extends TestFs {
        private final Configuration conf = new Configuration();
        private final URI base = new java.io.File("target/fs-tests/" + System.nanoTime()).getAbsoluteFile().toURI();

        @Override
        public String scheme() {
            return "file";
        }

        @Override
        public Configuration conf() {
            return conf;
        }

        @Override
        protected URI base() {
            String s = base.toString();
            return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
        }

        @Override
        public void replace(Path p, byte[] content) throws IOException {
            java.nio.file.Path file = local(p);
            Files.createDirectories(file.getParent());
            Files.write(file, content); // not through Hadoop: no .crc side file
        }

        /**
         * Mode 555; as root (which ignores modes) the immutable attribute instead. Aborts the test
         * if neither makes the directory unwritable here.
         */
        @Override
        public AutoCloseable denyWrites(Path dir) throws Exception {
            java.nio.file.Path d = local(dir);
            var before = Files.getPosixFilePermissions(d);
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("r-xr-xr-x"));
            if (!writable(d)) {
                return () -> Files.setPosixFilePermissions(d, before);
            }
            Files.setPosixFilePermissions(d, before);
            if (chattr("+i", d) && !writable(d)) {
                return () -> chattr("-i", d);
            }
            chattr("-i", d);
            Assumptions.abort("cannot make a local directory unwritable as this user (root without CAP_LINUX_IMMUTABLE)");
            return null;
        }

        private static boolean writable(java.nio.file.Path d) {
            try {
                Files.delete(Files.createDirectory(d.resolve("_probe")));
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        private static boolean chattr(String flag, java.nio.file.Path d) throws IOException, InterruptedException {
            try {
                Process p = new ProcessBuilder("chattr", flag, d.toString()).redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                return p.waitFor() == 0;
            } catch (IOException e) {
                return false; // no chattr here
            }
        }

        private java.nio.file.Path local(Path p) throws IOException {
            return java.nio.file.Paths.get(fs().makeQualified(p).toUri());
        }
    }

    private static final class Hdfs extends TestFs {
        private final MiniDfsExtension dfs;

        Hdfs(MiniDfsExtension dfs) {
            this.dfs = dfs;
        }

        @Override
        public String scheme() {
            return "hdfs";
        }

        @Override
        public Configuration conf() {
            return dfs.conf();
        }

        @Override
        protected URI base() {
            return URI.create(dfs.uri() + "/tests");
        }

        @Override
        public void replace(Path p, byte[] content) throws IOException {
            try (OutputStream out = fs().create(p, true)) {
                out.write(content);
            }
        }

        /** A space quota of one byte: the first block of any new file exceeds it. */
        @Override
        public AutoCloseable denyWrites(Path dir) throws IOException {
            DistributedFileSystem d = (DistributedFileSystem) fs();
            d.setQuota(dir, HdfsConstants.QUOTA_DONT_SET, 1);
            return () -> d.setQuota(dir, HdfsConstants.QUOTA_DONT_SET, HdfsConstants.QUOTA_RESET);
        }
    }
}
