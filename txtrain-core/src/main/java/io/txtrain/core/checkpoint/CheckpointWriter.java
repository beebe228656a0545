package io.txtrain.core.checkpoint;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.lease.Fence;

/**
 * Two-phase asynchronous checkpoints: {@link #snapshot} copies the state on the caller's thread,
 * {@link #persistAsync} writes and publishes it on one background thread. At most one persist is
 * in flight, so memory is bounded to one snapshot. A failed persist is reported to the listener
 * and logged; it never throws into the training thread and leaves earlier checkpoints valid.
 */
public final class CheckpointWriter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointWriter.class);

    /** Runs after a successful publish, on the persist thread (retention). */
    public interface AfterPublish {
        void run(CheckpointRef published) throws Exception;
    }

    private final CheckpointStore store;
    private final long writerEpoch;
    private final Fence fence;
    private final CheckpointListener listener;
    private final AfterPublish afterPublish;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "txtrain-checkpoint-persist");
        t.setDaemon(true);
        return t;
    });

    /** @param fence checked before a persist writes anything and again before it publishes */
    public CheckpointWriter(CheckpointStore store, long writerEpoch, Fence fence, CheckpointListener listener,
                            AfterPublish afterPublish) {
        this.store = store;
        this.writerEpoch = writerEpoch;
        this.fence = fence;
        this.listener = listener;
        this.afterPublish = afterPublish;
    }

    /** Phase one, on the caller's thread: an immutable copy of the state. */
    public CheckpointSnapshot snapshot(long round, byte[] stateChecksum, Map<String, byte[]> blobs) {
        return CheckpointSnapshot.of(round, stateChecksum, blobs);
    }

    /** True while a persist runs. */
    public boolean persistInFlight() {
        return inFlight.get();
    }

    /**
     * Phase two: persists in the background. Returns false, doing nothing, if a persist is
     * already in flight (the caller's policy decides whether to wait or skip).
     */
    public boolean persistAsync(CheckpointSnapshot snap) {
        if (!inFlight.compareAndSet(false, true)) {
            return false;
        }
        executor.execute(() -> {
            try {
                persistNow(snap);
            } finally {
                inFlight.set(false);
            }
        });
        return true;
    }

    /** Persists on the caller's thread; same reporting as {@link #persistAsync}. */
    public boolean persistNow(CheckpointSnapshot snap) {
        long t0 = System.nanoTime();
        CheckpointRef ref;
        try {
            ref = store.publish(snap, writerEpoch, fence);
        } catch (Exception | Error e) {
            LOG.warn("checkpoint of round {} failed; earlier checkpoints stay valid, training continues: {}",
                    snap.round(), e.toString());
            listener.failed(snap.round(), e);
            return false;
        }
        long nanos = System.nanoTime() - t0;
        LOG.info("checkpoint of round {} published: {} ({} bytes in {} ms)", snap.round(), ref.path(), snap.bytes(),
                nanos / 1_000_000);
        listener.published(ref, snap.bytes(), nanos);
        try {
            afterPublish.run(ref);
        } catch (Exception e) {
            LOG.warn("retention after checkpoint of round {} failed (will retry after the next one): {}",
                    snap.round(), e.toString());
        }
        return true;
    }

    /** Waits until no persist is in flight. Returns false on timeout. */
    public boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (inFlight.get()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Finishes a persist in flight (bounded wait), then stops the thread. */
    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(10, TimeUnit.MINUTES)) {
            LOG.warn("checkpoint persist still running at shutdown; it will not be published");
            executor.shutdownNow();
        }
    }
}
