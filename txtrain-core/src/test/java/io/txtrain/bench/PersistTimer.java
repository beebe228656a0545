package io.txtrain.bench;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.checkpoint.CheckpointRef;

/** For benchmarks: keeps the duration of the last published persist; a failed persist is fatal. */
public final class PersistTimer implements CheckpointListener {
    private volatile long lastNanos;

    @Override
    public void published(CheckpointRef ref, long bytes, long nanos) {
        lastNanos = nanos;
    }

    @Override
    public void failed(long round, Throwable error) {
        throw new IllegalStateException("persist of round " + round + " failed", error);
    }

    public long lastNanos() {
        return lastNanos;
    }
}
