package io.txtrain.core.recovery;

import io.txtrain.core.testing.TestFs;

/** The recovery core's contract on {@code file://}. */
class LocalRecoveryCoreTest extends RecoveryCoreContract {
    private static final TestFs FS = TestFs.local();

    @Override
    protected TestFs fs() {
        return FS;
    }
}
