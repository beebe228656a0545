package io.txtrain.core.lease;

import java.time.Duration;

/**
 * @param heartbeat   how often the holder refreshes its lease
 * @param timeout     a lease not refreshed for this long is stale
 * @param acquireWait how long a new writer keeps waiting for a live holder (one whose heartbeat it sees
 *                    advance) to end before failing; a holder whose heartbeat has stopped is always
 *                    waited out, up to {@code timeout} (docs/PROTOCOL.md §5)
 */
public record LeaseSettings(Duration heartbeat, Duration timeout, Duration acquireWait) {
    public static final LeaseSettings DEFAULTS =
            new LeaseSettings(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ZERO);

    public LeaseSettings {
        if (heartbeat.isNegative() || heartbeat.isZero()) {
            throw new IllegalArgumentException("spark.txtrain.lease.heartbeat must be > 0, was " + heartbeat);
        }
        if (timeout.compareTo(heartbeat.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("spark.txtrain.lease.timeout (" + timeout
                    + ") must be at least twice spark.txtrain.lease.heartbeat (" + heartbeat + ")");
        }
        if (acquireWait.isNegative()) {
            throw new IllegalArgumentException("spark.txtrain.lease.acquireWait must be >= 0, was " + acquireWait);
        }
    }
}
