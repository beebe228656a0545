package io.txtrain.core.log;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.fs.Path;

import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.lease.Fence;

/**
 * Appends committed rounds to the log. {@link #commit} returns only after the record is durable:
 * that is the single step that commits a round (docs/PROTOCOL.md §3.1). Not thread-safe for
 * commits; {@link #truncateBefore} may be called from another thread.
 */
public final class RoundLogWriter implements AutoCloseable {
    private final DurableFs fs;
    private final DirLayout layout;
    private final long epoch;
    private final long segmentBytes;
    private final Fence fence;
    private final List<String> chain;
    private final List<Long> chainFirstRounds;
    private String activeName;
    private org.apache.hadoop.fs.Path activePath;
    private io.txtrain.core.fs.DurableOutput active;
    private long nextRound;

    private RoundLogWriter(DurableFs fs, DirLayout layout, long epoch, long segmentBytes, Fence fence,
                           LogChain previous) {
        this.fs = fs;
        this.layout = layout;
        this.epoch = epoch;
        this.segmentBytes = segmentBytes;
        this.fence = fence;
        this.chain = new ArrayList<>(previous.segments());
        this.chainFirstRounds = new ArrayList<>(previous.segmentFirstRounds());
        this.nextRound = previous.lastRound() + 1;
    }

    /**
     * Starts this writer's epoch: creates its head segment (recording the previous head's trusted
     * length, which fences out whatever the previous writer appends later) and logs the recovery
     * event, durably, before returning.
     */
    public static RoundLogWriter takeOver(DurableFs fs, DirLayout layout, long epoch, long segmentBytes,
                                          Fence fence, LogChain previous, RecoveryEvent event)
            throws IOException {
        RoundLogWriter w = new RoundLogWriter(fs, layout, epoch, segmentBytes, fence, previous);
        w.openSegment(previous.head(), previous.headValidLength());
        w.active.write(FrameCodec.encode(RecordType.RECOVERY, event.encode()));
        w.active.sync();
        return w;
    }

    public long epoch() {
        return epoch;
    }

    /** The round number the next {@link #commit} must carry. */
    public long nextRound() {
        return nextRound;
    }

    /**
     * Durably commits a round. On return the round survives any crash. If it throws, the round
     * may or may not be committed; the caller must stop and let recovery decide.
     *
     * @throws FencedException if another writer took over: before the append (then nothing was
     *                         written), or after the sync (then the newer writer's recovery decides
     *                         whether the record counts, as for a crash inside the commit)
     */
    public void commit(RoundRecord record) throws IOException {
        commit(record, null);
    }

    /**
     * Durably commits a round together with its physical redo image (docs/PROTOCOL.md §3.4): the
     * image's chunks precede the commit record and are synced with it, so a committed round has its
     * whole image or (after a crash inside the append) is not committed at all.
     *
     * @param stateImage the round's resulting state in the trainer's encoding, or null for none
     */
    public void commit(RoundRecord record, byte[] stateImage) throws IOException {
        if (record.round() != nextRound) {
            throw new IllegalArgumentException("round " + record.round() + " committed out of order; expected "
                    + nextRound);
        }
        appendSynced(imageFrames(record.round(), stateImage),
                FrameCodec.encode(RecordType.ROUND_COMMIT, record.encode()));
        nextRound++;
        if (active.position() >= segmentBytes) {
            roll();
        }
    }

    /**
     * Durably records that a committed round's re-execution is its new result (§3.3). Returns after
     * the sync and the fence check, like {@link #commit}.
     */
    public void recordLineage(LineageChange change) throws IOException {
        if (change.round() >= nextRound) {
            throw new IllegalArgumentException("lineage change for round " + change.round()
                    + ", which is not committed");
        }
        appendSynced(List.of(), FrameCodec.encode(RecordType.LINEAGE, change.encode()));
    }

    private static List<byte[]> imageFrames(long round, byte[] image) {
        if (image == null) {
            return List.of();
        }
        int count = Math.max(1, (image.length + RoundStateChunk.MAX_CHUNK - 1) / RoundStateChunk.MAX_CHUNK);
        List<byte[]> frames = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int from = i * RoundStateChunk.MAX_CHUNK;
            byte[] part = java.util.Arrays.copyOfRange(image, from, Math.min(image.length, from + RoundStateChunk.MAX_CHUNK));
            frames.add(FrameCodec.encode(RecordType.ROUND_STATE, new RoundStateChunk(round, i, count, part).encode()));
        }
        return frames;
    }

    private void appendSynced(List<byte[]> before, byte[] last) throws IOException {
        fence.check(); // a writer that is fenced already appends nothing
        try {
            for (byte[] f : before) {
                active.write(f);
            }
            active.write(last);
            active.sync();
        } catch (IOException e) {
            // On HDFS a takeover revokes this writer's lease on the segment (recoverLease), so the
            // fenced writer's append fails here, before the check below: report it as fenced.
            try {
                fence.check();
            } catch (FencedException fenced) {
                fenced.initCause(e);
                throw fenced;
            } catch (IOException checkFailed) {
                e.addSuppressed(checkFailed);
            }
            throw e;
        }
        fence.check(); // after the sync: a takeover that started earlier cannot have missed it
    }

    /**
     * Deletes segments all of whose rounds are before {@code round} (covered by a checkpoint at
     * {@code round} or later). The segment holding {@code round} itself is kept.
     */
    public synchronized void truncateBefore(long round) throws IOException {
        fence.check();
        while (chain.size() > 1 && chainFirstRounds.get(1) <= round) {
            Path segment = new Path(layout.logDir(), chain.get(0));
            RunHistory.archive(fs, layout, segment, chainFirstRounds.get(1)); // before its rounds leave the log
            fs.delete(segment, false);
            chain.remove(0);
            chainFirstRounds.remove(0);
        }
    }

    private void roll() throws IOException {
        String oldName = activeName;
        io.txtrain.core.fs.DurableOutput old = active;
        openSegment(oldName, old.position());
        old.close();
    }

    private synchronized void openSegment(String previous, long previousLength) throws IOException {
        activeName = DirLayout.segmentName(epoch, nextRound);
        activePath = layout.segment(epoch, nextRound);
        active = fs.create(activePath, true);
        active.write(FrameCodec.encode(RecordType.SEGMENT_HEADER,
                new SegmentHeader(epoch, nextRound, previous, previousLength).encode()));
        active.sync();
        chain.add(activeName);
        chainFirstRounds.add(nextRound);
    }

    @Override
    public void close() throws IOException {
        active.close();
    }
}
