package io.txtrain.core.recovery;

import java.io.IOException;
import java.util.Map;

import org.apache.hadoop.fs.Path;

import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.checkpoint.CheckpointWriter;
import io.txtrain.core.lease.WriterLease;
import io.txtrain.core.log.RoundLogWriter;
import io.txtrain.core.log.RoundRecord;

/**
 * A checkpoint directory held by this writer: the recovery plan it starts from, the commit of
 * rounds and asynchronous checkpoints. Closing finishes a persist in flight and releases the lease.
 */
public final class OpenRun implements AutoCloseable {
    private final Path root;
    private final WriterLease lease;
    private final RecoveryPlan plan;
    private final RoundLogWriter log;
    private final CheckpointWriter checkpoints;

    OpenRun(Path root, WriterLease lease, RecoveryPlan plan, RoundLogWriter log, CheckpointWriter checkpoints) {
        this.root = root;
        this.lease = lease;
        this.plan = plan;
        this.log = log;
        this.checkpoints = checkpoints;
    }

    public Path root() {
        return root;
    }

    public RecoveryPlan plan() {
        return plan;
    }

    public long writerEpoch() {
        return lease.epoch();
    }

    public long nextRound() {
        return log.nextRound();
    }

    /** Commits a round durably; see {@link RoundLogWriter#commit}. */
    public void commit(RoundRecord record) throws IOException {
        log.commit(record);
    }

    /** Commits a round with its physical redo image; see {@link RoundLogWriter#commit(RoundRecord, byte[])}. */
    public void commit(RoundRecord record, byte[] stateImage) throws IOException {
        log.commit(record, stateImage);
    }

    /** Records a change of lineage durably; see {@link RoundLogWriter#recordLineage}. */
    public void recordLineage(io.txtrain.core.log.LineageChange change) throws IOException {
        log.recordLineage(change);
    }

    /** Snapshot on this thread, copying the blobs; see {@link CheckpointWriter#snapshot}. */
    public CheckpointSnapshot snapshot(long round, byte[] stateChecksum, Map<String, byte[]> blobs) {
        requireCommitted(round);
        return checkpoints.snapshot(round, stateChecksum, blobs);
    }

    /** Snapshot of bytes that never change, without a copy; see {@link CheckpointSnapshot#ofImmutable}. */
    public CheckpointSnapshot snapshotOfImmutable(long round, byte[] stateChecksum,
                                                  Map<String, java.util.List<java.nio.ByteBuffer>> blobs) {
        requireCommitted(round);
        return CheckpointSnapshot.ofImmutable(round, stateChecksum, blobs);
    }

    /** Snapshot of arrays made for it alone, without a copy; see {@link CheckpointSnapshot#handOver}. */
    public CheckpointSnapshot handOver(long round, byte[] stateChecksum, Map<String, byte[]> blobs) {
        requireCommitted(round);
        return CheckpointSnapshot.handOver(round, stateChecksum, blobs);
    }

    private void requireCommitted(long round) {
        if (round >= log.nextRound()) {
            throw new IllegalStateException("round " + round + " is not committed; only committed state is checkpointed");
        }
    }

    public CheckpointWriter checkpoints() {
        return checkpoints;
    }

    @Override
    public void close() throws IOException {
        try {
            checkpoints.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                log.close();
            } finally {
                lease.close();
            }
        }
    }
}
