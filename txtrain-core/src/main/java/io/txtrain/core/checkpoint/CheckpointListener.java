package io.txtrain.core.checkpoint;

/** Outcome of each background persist; called on the persist thread. */
public interface CheckpointListener {
    void published(CheckpointRef ref, long bytes, long persistNanos);

    void failed(long round, Throwable error);

    CheckpointListener NONE = new CheckpointListener() {
        @Override
        public void published(CheckpointRef ref, long bytes, long persistNanos) {
        }

        @Override
        public void failed(long round, Throwable error) {
        }
    };
}
