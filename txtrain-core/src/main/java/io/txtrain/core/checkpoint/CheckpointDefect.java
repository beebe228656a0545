package io.txtrain.core.checkpoint;

import org.apache.hadoop.fs.Path;

/**
 * Why a published checkpoint is not trusted: a file of it that does not verify, or its round's
 * record in the log (docs/PROTOCOL.md §4).
 *
 * @param file   the file or directory concerned
 * @param offset byte offset inside {@code file}, or -1 where none applies
 * @param kind   what kind of reason it is
 */
public record CheckpointDefect(Path file, long offset, Kind kind, String message) {
    public enum Kind {
        /** a manifest or blob does not verify (rules a and b) */
        DAMAGED,
        /** the log holds no record of the round: a fenced-out writer's checkpoint, or the log was truncated (rule c) */
        NOT_IN_LOG,
        /** the log's record of the round has another state checksum (rule c) */
        CHECKSUM_DIFFERS
    }

    /** As recovery reports it. */
    public String describe() {
        return file + (offset >= 0 ? ": offset " + offset : "") + ": " + message;
    }
}
