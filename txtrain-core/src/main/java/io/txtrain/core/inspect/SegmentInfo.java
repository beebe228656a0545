package io.txtrain.core.inspect;

/**
 * One file of the log directory.
 *
 * @param role          its place in the chain, or null if the chain cannot be read
 * @param trustedLength for a sealed segment on the chain, the bytes its successor trusts; -1 otherwise
 * @param validLength   for the head, the length of its valid prefix; -1 otherwise
 */
public record SegmentInfo(String name, long writerEpoch, long firstRound, long bytes, Role role, long trustedLength,
                          long validLength) {
    public enum Role {
        /** On the chain, followed by a newer segment. */
        SEALED,
        /** The newest segment on the chain: the one being appended to. */
        HEAD,
        /** Not on the chain: written by a fenced-out writer, or a head whose creation was torn. */
        ORPHAN
    }

    /** Bytes that recovery ignores: past the trusted length, or the head's torn tail. */
    public long ignoredBytes() {
        if (role == Role.SEALED) {
            return Math.max(0, bytes - trustedLength);
        }
        if (role == Role.HEAD) {
            return Math.max(0, bytes - validLength);
        }
        return 0;
    }
}
