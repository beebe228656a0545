package io.txtrain.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.testing.CountingHdfs;
import io.txtrain.core.testing.MiniDfsExtension;
import io.txtrain.core.testing.Rounds;
import io.txtrain.core.testing.TestFs;

/**
 * A checkpoint's publish on HDFS asks the NameNode for one create and one rename, nothing else
 * (docs/PROTOCOL.md §4.1: no temporary directory, no file per blob, no existence checks), however
 * many blobs it holds; the checkpoint it publishes loads back.
 */
class HdfsCheckpointCallsTest {
    @RegisterExtension
    static final MiniDfsExtension DFS = MiniDfsExtension.shared();
    private static final TestFs FS = TestFs.hdfs(DFS);

    @Test
    void publishIsOneCreateAndOneRename() throws Exception {
        URI dir = FS.newDir("calls");
        DirLayout layout = FS.layout(dir);
        FS.fs().mkdirs(layout.checkpointDir()); // as a writer's start leaves it
        FileSystem counting = FileSystem.get(dir, CountingHdfs.conf(DFS.conf()));
        assertTrue(counting instanceof CountingHdfs);
        CheckpointStore store = new CheckpointStore(DurableFs.of(counting), layout);
        CheckpointSnapshot snap = CheckpointSnapshot.of(3, Rounds.checksum(3), Rounds.state(3));
        CountingHdfs.reset();
        CheckpointRef ref = store.publish(snap, 1);
        assertEquals(Map.of("create", 1, "rename", 1), CountingHdfs.calls(), "NameNode calls of one publish");
        assertEquals(new Path(layout.checkpoint(3, 1).toUri().getPath()), new Path(ref.path().toUri().getPath()));
        Rounds.assertState(store.load(ref), 3);
    }
}
