package io.txtrain.spark.dl4j;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.txtrain.core.testing.MiniDfsExtension;
import io.txtrain.core.testing.TestFs;

/** {@link ClosePathsContract} on {@code hdfs://} (a real MiniDFSCluster). */
class HdfsClosePathsTest extends ClosePathsContract {
    @RegisterExtension
    static final MiniDfsExtension DFS = MiniDfsExtension.shared();
    private static final TestFs FS = TestFs.hdfs(DFS);

    @Override
    protected TestFs fs() {
        return FS;
    }
}
