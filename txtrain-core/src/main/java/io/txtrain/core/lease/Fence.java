package io.txtrain.core.lease;

import java.io.IOException;

/**
 * Tells whether a writer still holds its directory; every write and deletion of a writer checks it
 * first (docs/PROTOCOL.md §5).
 */
@FunctionalInterface
public interface Fence {
    /** A check that never fails, for code that holds no lease (tests, tools). */
    Fence NONE = () -> { };

    /** @throws io.txtrain.core.log.FencedException if a newer writer exists */
    void check() throws IOException;
}
