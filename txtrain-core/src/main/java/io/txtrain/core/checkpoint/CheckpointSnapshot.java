package io.txtrain.core.checkpoint;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.txtrain.core.fs.DirLayout;

/**
 * The trainer state after a committed round, as the checkpoint will hold it: an immutable copy, or
 * views of bytes that never change ({@link #ofImmutable}). Taking it is the only checkpoint cost on
 * the training thread.
 */
public final class CheckpointSnapshot {
    private final long round;
    private final byte[] stateChecksum;
    private final SortedMap<String, List<ByteBuffer>> blobs;
    private final long bytes;

    private CheckpointSnapshot(long round, byte[] stateChecksum, SortedMap<String, List<ByteBuffer>> blobs,
                               long bytes) {
        this.round = round;
        this.stateChecksum = stateChecksum;
        this.blobs = blobs;
        this.bytes = bytes;
    }

    /** Copies every blob. Round 0 is the initial state, before any round. */
    public static CheckpointSnapshot of(long round, byte[] stateChecksum, Map<String, byte[]> blobs) {
        return build(round, stateChecksum, blobs, true);
    }

    /**
     * Takes the blob arrays over without copying them: for arrays made for this snapshot only. The
     * caller must never change them afterwards, or the checkpoint would not match its checksum.
     */
    public static CheckpointSnapshot handOver(long round, byte[] stateChecksum, Map<String, byte[]> blobs) {
        return build(round, stateChecksum, blobs, false);
    }

    /**
     * Takes views of the given buffers without copying them: each blob is its buffers' remaining
     * bytes, one after the other. For bytes nothing changes any more (immutable states, on or off
     * the heap): the caller must never write them. The views keep them reachable until written.
     */
    public static CheckpointSnapshot ofImmutable(long round, byte[] stateChecksum, Map<String, List<ByteBuffer>> blobs) {
        check(round, blobs);
        SortedMap<String, List<ByteBuffer>> owned = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, List<ByteBuffer>> e : blobs.entrySet()) {
            List<ByteBuffer> views = new ArrayList<>();
            for (ByteBuffer b : e.getValue()) {
                views.add(b.duplicate()); // not read-only: a heap array is then written without a copy
                total += b.remaining();
            }
            owned.put(DirLayout.checkBlobName(e.getKey()), List.copyOf(views));
        }
        return new CheckpointSnapshot(round, stateChecksum.clone(), Collections.unmodifiableSortedMap(owned), total);
    }

    private static CheckpointSnapshot build(long round, byte[] stateChecksum, Map<String, byte[]> blobs, boolean copy) {
        check(round, blobs);
        SortedMap<String, List<ByteBuffer>> owned = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
            owned.put(DirLayout.checkBlobName(e.getKey()),
                    List.of(ByteBuffer.wrap(copy ? e.getValue().clone() : e.getValue())));
            total += e.getValue().length;
        }
        return new CheckpointSnapshot(round, stateChecksum.clone(), Collections.unmodifiableSortedMap(owned), total);
    }

    private static void check(long round, Map<String, ?> blobs) {
        if (round < 0) {
            throw new IllegalArgumentException("checkpoint round must be >= 0, was " + round);
        }
        if (blobs.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint needs at least one blob");
        }
    }

    public long round() {
        return round;
    }

    public byte[] stateChecksum() {
        return stateChecksum.clone();
    }

    public String stateChecksumHex() {
        return HexFormat.of().formatHex(stateChecksum);
    }

    /** Blob names in order; {@link #blob} gives the bytes. */
    public Iterable<String> names() {
        return blobs.keySet();
    }

    /** The blob's bytes: the remaining bytes of these buffers (fresh views, never written), one after the other. */
    List<ByteBuffer> blob(String name) {
        return blobs.get(name).stream().map(ByteBuffer::duplicate).toList();
    }

    public long bytes() {
        return bytes;
    }
}
