package io.txtrain.core.lease;

import java.util.Map;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.txtrain.core.testing.MiniDfsExtension;
import io.txtrain.core.testing.TestFs;

/** Writer fencing on {@code hdfs://} (a real MiniDFSCluster). */
class HdfsFencingTest extends FencingContract {
    @RegisterExtension
    static final MiniDfsExtension DFS = MiniDfsExtension.shared();
    private static final TestFs FS = TestFs.hdfs(DFS);

    @Override
    protected TestFs fs() {
        return FS;
    }

    @Override
    protected Map<String, String> childConf() {
        return Map.of("dfs.replication", "1", "dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "20");
    }
}
