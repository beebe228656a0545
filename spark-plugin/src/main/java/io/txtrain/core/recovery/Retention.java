package io.txtrain.core.recovery;

import java.io.IOException;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.log.RoundLogWriter;

/**
 * Keeps the newest K checkpoints and the log from the oldest kept one on (docs/PROTOCOL.md §7).
 * Runs only after a newer checkpoint was published, so it never removes what recovery needs.
 */
final class Retention {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);
    private final CheckpointStore store;
    private final RoundLogWriter log;
    private final int keep;

    Retention(CheckpointStore store, RoundLogWriter log, int keep) {
        this.store = store;
        this.log = log;
        this.keep = keep;
    }

    void apply() throws IOException {
        List<CheckpointRef> all = store.list();
        if (all.size() < keep) {
            return;
        }
        for (CheckpointRef old : all.subList(keep, all.size())) {
            LOG.debug("retention: deleting {}", old.path());
            store.delete(old);
        }
        log.truncateBefore(all.get(keep - 1).round());
    }
}
