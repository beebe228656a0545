package io.txtrain.spark.dl4j;

import io.txtrain.core.testing.TestFs;

/** {@link ClosePathsContract} on {@code file://}. */
class FileClosePathsTest extends ClosePathsContract {
    private static final TestFs FS = TestFs.local();

    @Override
    protected TestFs fs() {
        return FS;
    }
}
