package io.txtrain.core.fs;

import java.io.IOException;
import java.util.Locale;
import java.util.Set;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/**
 * The file systems that keep txtrain's promise (docs/PROTOCOL.md §1): a commit is durable when
 * {@code hsync} (HDFS) or {@code fsync} (a local disk) returns, and a checkpoint is published by one
 * atomic rename. Object stores (s3a, gs, wasb, abfs, …) offer neither: their streams cannot hsync,
 * and their rename copies object by object. A writer refuses any other file system at once.
 */
public final class SupportedStores {
    /** What the error lists as supported. */
    public static final String SUPPORTED = "hdfs:// (HDFS), file:// (a local or mounted POSIX disk),"
            + " viewfs:// mount points that resolve to one of these";
    private static final Set<String> OBJECT_STORES = Set.of("s3", "s3a", "s3n", "gs", "wasb", "wasbs", "abfs",
            "abfss", "oss", "cos", "cosn", "obs", "ks3", "swift");

    private SupportedStores() {
    }

    /**
     * @param dir the checkpoint directory (need not exist yet); nothing is written to probe it
     * @throws UnsupportedStoreException naming the scheme, why, and the supported file systems
     */
    public static void check(FileSystem fs, Path dir) throws IOException {
        String scheme = scheme(fs);
        if (scheme.equals("viewfs")) {
            Path existing = fs.makeQualified(dir);
            while (existing.getParent() != null && !fs.exists(existing)) {
                existing = existing.getParent();
            }
            Path target = fs.resolvePath(existing);
            FileSystem resolved = target.getFileSystem(fs.getConf());
            if (!keepsThePromise(resolved)) {
                throw refused(dir, scheme(resolved), resolved, " (the viewfs mount of " + existing + " resolves to "
                        + target + ")");
            }
            return;
        }
        if (!keepsThePromise(fs)) {
            throw refused(dir, scheme, fs, "");
        }
    }

    private static boolean keepsThePromise(FileSystem fs) {
        String scheme = scheme(fs);
        return scheme.equals("hdfs") && fs instanceof DistributedFileSystem
                || scheme.equals("file") && (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem);
    }

    private static String scheme(FileSystem fs) {
        return String.valueOf(fs.getUri().getScheme()).toLowerCase(Locale.ROOT);
    }

    private static UnsupportedStoreException refused(Path dir, String scheme, FileSystem fs, String via) {
        String why = OBJECT_STORES.contains(scheme)
                ? "it is an object store: its output streams cannot hsync, so a round could not be made durable"
                + " before its commit returns, and its rename copies objects one by one instead of publishing a"
                + " checkpoint atomically"
                : "txtrain cannot rely on its output streams to hsync (StreamCapabilities.HSYNC) and on its rename"
                + " to be atomic, which a commit and a checkpoint's publication need";
        return new UnsupportedStoreException("checkpoint directory " + dir + " is on a " + scheme + ":// file system ("
                + fs.getClass().getName() + ")" + via + " that cannot keep txtrain's durability promise: " + why
                + ". Supported: " + SUPPORTED + ". Put spark.txtrain.checkpoint.dir on HDFS or a local disk.");
    }
}
