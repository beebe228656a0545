package io.txtrain.core.testing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.checkpoint.CheckpointRef;

/** Records the outcome of every checkpoint persist; {@link #await} waits (bounded) for one. */
public final class RecordingListener implements CheckpointListener {
    /** Either {@code ref} (published) or {@code error} (failed) is set. */
    public record Outcome(long round, CheckpointRef ref, Throwable error) {
        public boolean published() {
            return ref != null;
        }
    }

    private final Map<Long, Outcome> outcomes = new ConcurrentHashMap<>();

    @Override
    public void published(CheckpointRef ref, long bytes, long persistNanos) {
        outcomes.put(ref.round(), new Outcome(ref.round(), ref, null));
    }

    @Override
    public void failed(long round, Throwable error) {
        outcomes.put(round, new Outcome(round, null, error));
    }

    public Outcome outcome(long round) {
        return outcomes.get(round);
    }

    public Outcome await(long round, Duration timeout) throws InterruptedException {
        Poll.until("outcome of the checkpoint of round " + round, timeout, () -> outcomes.containsKey(round));
        return outcomes.get(round);
    }
}
