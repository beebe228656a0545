package io.txtrain.core.fs;

import static io.txtrain.core.testing.Rounds.assertMentions;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.File;
import java.net.URI;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.StreamCapabilities;
import org.junit.jupiter.api.Test;

import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.testing.RecordingListener;
import io.txtrain.core.testing.Rounds;

/** A checkpoint directory on a file system that cannot hsync or rename atomically is refused at once. */
class UnsupportedStoreTest {
    @Test
    void aFileSystemWithoutHsyncIsRefusedNamingTheSchemeWhyAndTheSupportedOnes() throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.nohsync.impl", NoHsyncFileSystem.class.getName());
        File base = new File("target/nohsync-" + System.nanoTime()).getAbsoluteFile();
        URI dir = URI.create("nohsync://" + base.toURI().getPath() + "run");
        FileSystem fs = FileSystem.get(dir, conf);
        try (FSDataOutputStream probe = fs.create(new Path(base.toURI().getPath() + "probe"))) {
            assertFalse(probe.hasCapability(StreamCapabilities.HSYNC), "the file system really lacks hsync");
        }

        UnsupportedStoreException e = assertThrows(UnsupportedStoreException.class, () -> RecoveryDirectory.open(dir,
                conf, CoreSettings.DEFAULTS, Rounds.RUN, "test", new RecordingListener()));
        assertMentions(e, "nohsync://", NoHsyncFileSystem.class.getName(), "hsync", "atomic", "hdfs://", "file://");
        assertFalse(fs.exists(new Path(dir)), "nothing was written");
    }
}
