package io.txtrain.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.util.Map;

import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.testing.MiniDfsExtension;
import io.txtrain.core.testing.TestFs;

/**
 * A checkpoint written into an exhausted HDFS space quota fails with HDFS's quota error (HDFS
 * rethrows the same exception object from close(), which must not replace it), and publishes
 * nothing.
 */
class HdfsQuotaTest {
    @RegisterExtension
    static final MiniDfsExtension DFS = MiniDfsExtension.shared();
    private static final TestFs FS = TestFs.hdfs(DFS);

    @Test
    void quotaErrorReachesTheCaller() throws Exception {
        URI dir = FS.newDir("quota");
        DirLayout layout = FS.layout(dir);
        FS.fs().mkdirs(layout.checkpointDir());
        // less than one block: the first block of the first blob cannot be allocated
        DFS.fs().setQuota(new Path(dir), HdfsConstants.QUOTA_DONT_SET, 1 << 20);
        CheckpointStore store = new CheckpointStore(FS.durable(), layout);
        CheckpointSnapshot snap = CheckpointSnapshot.of(3, new byte[32], Map.of("params", new byte[4096]));
        IOException e = assertThrows(IOException.class, () -> store.publish(snap, 1));
        assertTrue(String.valueOf(e.getMessage()).contains("quota"), e.toString());
        assertFalse(FS.fs().exists(layout.checkpoint(3, 1)));
        assertTrue(store.listTemporary().isEmpty(), "the temporary file is removed");
    }
}
