package io.txtrain.core.recovery;

import org.junit.jupiter.api.extension.RegisterExtension;

import io.txtrain.core.testing.MiniDfsExtension;
import io.txtrain.core.testing.TestFs;

/** The recovery core's contract on {@code hdfs://} (a real MiniDFSCluster, one DataNode). */
class HdfsRecoveryCoreTest extends RecoveryCoreContract {
    @RegisterExtension
    static final MiniDfsExtension DFS = MiniDfsExtension.shared();
    private static final TestFs FS = TestFs.hdfs(DFS);

    @Override
    protected TestFs fs() {
        return FS;
    }
}
