package io.txtrain.core.lease;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.txtrain.core.testing.MiniDfsExtension;
import io.txtrain.core.testing.TestFs;

/** {@link LeaseWaitContract} on {@code hdfs://} (a real MiniDFSCluster). */
class HdfsLeaseWaitTest extends LeaseWaitContract {
    @RegisterExtension
    static final MiniDfsExtension DFS = MiniDfsExtension.shared();
    private static final TestFs FS = TestFs.hdfs(DFS);

    @Override
    protected TestFs fs() {
        return FS;
    }
}
