package io.txtrain.core.inspect;

import java.time.Duration;

import io.txtrain.core.lease.LeaseRecord;

/**
 * One lease file (docs/PROTOCOL.md §5).
 *
 * @param record         the holder, or null if the file is unreadable (a writer died creating it)
 * @param modifiedMillis the last heartbeat; 0 once released
 */
public record LeaseInfo(long epoch, LeaseRecord record, String error, long modifiedMillis) {
    public enum State { RELEASED, LIVE, TIMED_OUT, HOLDER_GONE, UNREADABLE }

    public boolean released() {
        return modifiedMillis == 0;
    }

    /** As a new writer would judge the lease at {@code nowMillis} with lease timeout {@code timeout}. */
    public State state(long nowMillis, Duration timeout) {
        if (record == null) {
            return State.UNREADABLE;
        }
        if (released()) {
            return State.RELEASED;
        }
        if (record.holderProvablyDead()) {
            return State.HOLDER_GONE;
        }
        return nowMillis - modifiedMillis > timeout.toMillis() ? State.TIMED_OUT : State.LIVE;
    }
}
