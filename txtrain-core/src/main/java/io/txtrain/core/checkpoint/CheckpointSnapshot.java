package io.txtrain.core.checkpoint;

import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import io.txtrain.core.fs.DirLayout;

/**
 * An immutable in-memory copy of the trainer state after a committed round. Taking it is the only
 * checkpoint cost on the training thread; the caller may change its own arrays afterwards.
 */
public final class CheckpointSnapshot {
    private final long round;
    private final byte[] stateChecksum;
    private final SortedMap<String, byte[]> blobs;
    private final long bytes;

    private CheckpointSnapshot(long round, byte[] stateChecksum, SortedMap<String, byte[]> blobs, long bytes) {
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

    private static CheckpointSnapshot build(long round, byte[] stateChecksum, Map<String, byte[]> blobs, boolean copy) {
        if (round < 0) {
            throw new IllegalArgumentException("checkpoint round must be >= 0, was " + round);
        }
        if (blobs.isEmpty()) {
            throw new IllegalArgumentException("a checkpoint needs at least one blob");
        }
        SortedMap<String, byte[]> owned = new TreeMap<>();
        long total = 0;
        for (Map.Entry<String, byte[]> e : blobs.entrySet()) {
            owned.put(DirLayout.checkBlobName(e.getKey()), copy ? e.getValue().clone() : e.getValue());
            total += e.getValue().length;
        }
        return new CheckpointSnapshot(round, stateChecksum.clone(), Collections.unmodifiableSortedMap(owned), total);
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

    /** Blob names in order; {@link #blob} gives the bytes (not to be modified). */
    public Iterable<String> names() {
        return blobs.keySet();
    }

    byte[] blob(String name) {
        return blobs.get(name);
    }

    public long bytes() {
        return bytes;
    }
}
