package io.txtrain.core.recovery;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.lease.Fence;
import io.txtrain.core.log.RoundLogWriter;

/**
 * Keeps the newest K checkpoints and the log from the oldest kept one on (docs/PROTOCOL.md §7).
 * Runs only after a newer checkpoint was published, so it never removes what recovery needs, and
 * only while this writer is not fenced out: the fence is checked before every deletion.
 * Checkpoints that recovery rejected when the run was opened do not count towards K: they are
 * kept while newer than the K-th trusted one, and deleted with the older ones after it.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final CheckpointStore store;
    private final RoundLogWriter log;
    private final Fence fence;
    private final int keep;
    private final Set<Path> untrusted = ConcurrentHashMap.newKeySet();

    Retention(CheckpointStore store, RoundLogWriter log, Fence fence, int keep, List<CheckpointRef> untrusted) {
        this.store = store;
        this.log = log;
        this.fence = fence;
        this.keep = keep;
        untrusted.forEach(r -> this.untrusted.add(r.path()));
    }

    /** @throws io.txtrain.core.log.FencedException before deleting anything, if this writer is fenced out */
    void apply() throws IOException {
        fence.check();
        List<CheckpointRef> all = store.list();
        int counted = 0;
        int oldestKept = -1;
        for (int i = 0; i < all.size() && counted < keep; i++) {
            if (!untrusted.contains(all.get(i).path())) {
                counted++;
                oldestKept = i;
            }
        }
        if (counted < keep) {
            return;
        }
        for (CheckpointRef old : all.subList(oldestKept + 1, all.size())) {
            LOG.debug("retention: deleting {}", old.path());
            store.delete(old, fence);
            untrusted.remove(old.path());
        }
        log.truncateBefore(all.get(oldestKept).round());
    }
}
