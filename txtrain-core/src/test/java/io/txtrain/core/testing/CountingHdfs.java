package io.txtrain.core.testing;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.util.Progressable;

/**
 * The real HDFS client, counting the namespace calls made through it (each is one NameNode RPC):
 * {@code create} (and {@code createNonRecursive}), {@code mkdirs}, {@code getFileStatus} (and so {@code exists}), {@code listStatus},
 * {@code rename}, {@code delete}. {@link #conf} makes {@code FileSystem.get} return one.
 */
public final class CountingHdfs extends DistributedFileSystem {
    private static final Map<String, Integer> CALLS = new TreeMap<>();

    /** {@code base} with this client for hdfs:// (not cached, so this configuration takes effect). */
    public static Configuration conf(Configuration base) {
        Configuration c = new Configuration(base);
        c.set("fs.hdfs.impl", CountingHdfs.class.getName());
        c.setBoolean("fs.hdfs.impl.disable.cache", true);
        return c;
    }

    /** The calls counted since the last reset, by name. */
    public static synchronized Map<String, Integer> calls() {
        return new TreeMap<>(CALLS);
    }

    public static synchronized void reset() {
        CALLS.clear();
    }

    private static synchronized void count(String call) {
        CALLS.merge(call, 1, Integer::sum);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        count("create");
        return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream createNonRecursive(Path f, FsPermission permission,
                                                 java.util.EnumSet<org.apache.hadoop.fs.CreateFlag> flags,
                                                 int bufferSize, short replication, long blockSize,
                                                 Progressable progress) throws IOException {
        count("create");
        return super.createNonRecursive(f, permission, flags, bufferSize, replication, blockSize, progress);
    }

    @Override
    public boolean mkdirs(Path f, FsPermission permission) throws IOException {
        count("mkdirs");
        return super.mkdirs(f, permission);
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
        count("getFileStatus");
        return super.getFileStatus(f);
    }

    @Override
    public FileStatus[] listStatus(Path p) throws IOException {
        count("listStatus");
        return super.listStatus(p);
    }

    @Override
    public boolean rename(Path src, Path dst) throws IOException {
        count("rename");
        return super.rename(src, dst);
    }

    @Override
    @SuppressWarnings("deprecation")
    public void rename(Path src, Path dst, Options.Rename... options) throws IOException {
        count("rename");
        super.rename(src, dst, options);
    }

    @Override
    public boolean delete(Path f, boolean recursive) throws IOException {
        count("delete");
        return super.delete(f, recursive);
    }
}
