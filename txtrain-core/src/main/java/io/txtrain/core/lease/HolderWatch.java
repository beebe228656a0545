package io.txtrain.core.lease;

import java.time.Duration;

/**
 * What a new writer has seen of a live-looking lease while it waits (docs/PROTOCOL.md §5): the
 * holder is <b>alive</b> once its heartbeat (the lease file's modification time) is seen to advance,
 * or a newer lease appears; the lease has <b>expired</b> once its heartbeat has not advanced for the
 * lease timeout, measured on this writer's own clock from its first look (so clock skew between
 * hosts cannot shorten the wait). Pure logic: the caller supplies the observations and the time.
 */
final class HolderWatch {
    enum Verdict { WAIT, ALIVE, EXPIRED }

    private final long timeoutNanos;
    private long epoch = -1;
    private long mtime;
    private long unchangedSinceNanos;

    HolderWatch(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    /** One look at the highest lease: its epoch and modification time, at {@code nowNanos}. */
    Verdict observe(long leaseEpoch, long modificationTime, long nowNanos) {
        if (epoch < 0) {
            epoch = leaseEpoch;
            mtime = modificationTime;
            unchangedSinceNanos = nowNanos;
            return Verdict.WAIT;
        }
        if (leaseEpoch != epoch || modificationTime != mtime) {
            epoch = leaseEpoch;
            mtime = modificationTime;
            unchangedSinceNanos = nowNanos;
            return Verdict.ALIVE;
        }
        return nowNanos - unchangedSinceNanos >= timeoutNanos ? Verdict.EXPIRED : Verdict.WAIT;
    }

    /** How long the current heartbeat has been seen unchanged. */
    Duration unchangedFor(long nowNanos) {
        return Duration.ofNanos(nowNanos - unchangedSinceNanos);
    }
}
