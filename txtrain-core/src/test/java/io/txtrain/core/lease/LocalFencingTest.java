package io.txtrain.core.lease;

import io.txtrain.core.testing.TestFs;

/** Writer fencing on {@code file://}. */
class LocalFencingTest extends FencingContract {
    private static final TestFs FS = TestFs.local();

    @Override
    protected TestFs fs() {
        return FS;
    }
}
