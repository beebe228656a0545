package io.txtrain.core.checkpoint;

import java.util.Map;

/** A checkpoint whose manifest and every blob verified; its blobs, fully loaded. */
public record VerifiedCheckpoint(CheckpointRef ref, Manifest manifest, Map<String, byte[]> blobs) {
    public long round() {
        return ref.round();
    }
}
