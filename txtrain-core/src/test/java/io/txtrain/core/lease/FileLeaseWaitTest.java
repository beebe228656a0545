package io.txtrain.core.lease;

import io.txtrain.core.testing.TestFs;

/** {@link LeaseWaitContract} on {@code file://}. */
class FileLeaseWaitTest extends LeaseWaitContract {
    private static final TestFs FS = TestFs.local();

    @Override
    protected TestFs fs() {
        return FS;
    }
}
