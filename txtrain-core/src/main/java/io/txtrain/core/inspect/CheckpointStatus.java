package io.txtrain.core.inspect;

import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.Manifest;

/**
 * A published checkpoint and whether recovery trusts it (docs/PROTOCOL.md §4).
 *
 * @param manifest    null if the manifest itself does not verify
 * @param bytesOnDisk total size of the checkpoint's files
 * @param problem     why it is not trusted, or null if it is
 * @param resumePoint true for the checkpoint recovery would start from
 */
public record CheckpointStatus(CheckpointRef ref, Manifest manifest, long bytesOnDisk, String problem,
                               boolean resumePoint) {
    public boolean trusted() {
        return problem == null;
    }

    /** Creation time from the manifest, or the directory's modification time without one. */
    public long createdMillis() {
        return manifest != null ? manifest.createdMillis() : ref.modifiedMillis();
    }
}
