package io.txtrain.core.fs;

import java.io.IOException;
import java.net.URI;

import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A real file system, scheme {@code nohsync}, over the local disk, whose output streams offer no
 * {@code hsync} (like an object store's): registered with {@code fs.nohsync.impl}.
 */
public class NoHsyncFileSystem extends RawLocalFileSystem {
    static final URI NAME = URI.create("nohsync:///");

    @Override
    public URI getUri() {
        return NAME;
    }

    @Override
    public String getScheme() {
        return "nohsync";
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        return create(f, FsPermission.getFileDefault(), overwrite, bufferSize, replication, blockSize, progress);
    }

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        // a plain stream: no Syncable, no StreamCapabilities, as an object store's upload stream
        return new FSDataOutputStream(new java.io.BufferedOutputStream(
                super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress)), null);
    }
}
