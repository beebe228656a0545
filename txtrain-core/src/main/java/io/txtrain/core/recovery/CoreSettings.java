package io.txtrain.core.recovery;

import io.txtrain.core.lease.LeaseSettings;

/**
 * Settings of the recovery core.
 *
 * @param permission   octal permission of the checkpoint directory (spark.txtrain.dir.permission)
 * @param retain       checkpoints kept (spark.txtrain.checkpoint.retain)
 * @param segmentBytes log segment roll size (spark.txtrain.log.segmentBytes)
 */
public record CoreSettings(short permission, int retain, long segmentBytes, LeaseSettings lease) {
    public static final CoreSettings DEFAULTS = new CoreSettings((short) 0700, 2, 64L << 20, LeaseSettings.DEFAULTS);

    public CoreSettings {
        if (retain < 1) {
            throw new IllegalArgumentException("spark.txtrain.checkpoint.retain must be >= 1, was " + retain);
        }
        if (segmentBytes < 4096) {
            throw new IllegalArgumentException("spark.txtrain.log.segmentBytes must be >= 4096, was " + segmentBytes);
        }
        if (permission < 0 || permission > 0777) {
            throw new IllegalArgumentException("spark.txtrain.dir.permission must be an octal mode 000-777, was "
                    + Integer.toOctalString(permission));
        }
    }

    public CoreSettings withRetain(int k) {
        return new CoreSettings(permission, k, segmentBytes, lease);
    }

    public CoreSettings withSegmentBytes(long bytes) {
        return new CoreSettings(permission, retain, bytes, lease);
    }

    public CoreSettings withLease(LeaseSettings l) {
        return new CoreSettings(permission, retain, segmentBytes, l);
    }

    public CoreSettings withPermission(short p) {
        return new CoreSettings(p, retain, segmentBytes, lease);
    }
}
