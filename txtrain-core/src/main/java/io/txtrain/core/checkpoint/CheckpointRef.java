package io.txtrain.core.checkpoint;

import org.apache.hadoop.fs.Path;

/** A published checkpoint directory (not yet verified). */
public record CheckpointRef(long round, long writerEpoch, Path path, long modifiedMillis) {
}
