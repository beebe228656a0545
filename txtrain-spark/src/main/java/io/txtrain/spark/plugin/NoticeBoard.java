package io.txtrain.spark.plugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.spark.ExecutorNotice;

/**
 * The driver's record of executors that announced they are going away.
 *
 * <p>Guarantees: only the first notice of each executor id counts (an executor that is
 * decommissioned and then shuts down announces twice; Spark never reuses ids); every counted notice
 * is handed out by {@link #take} exactly once, oldest first. Thread-safe: notices arrive on Spark's
 * RPC threads, the trainer takes them on its own.
 */
public final class NoticeBoard {
    private static final Logger LOG = LoggerFactory.getLogger(NoticeBoard.class);

    private final Map<String, ExecutorNotice> first = new ConcurrentHashMap<>();
    private final List<ExecutorNotice> pending = new ArrayList<>();

    /** @return true if this is the executor's first notice */
    public boolean record(ExecutorNotice n) {
        if (first.putIfAbsent(n.executorId(), n) != null) {
            LOG.debug("executor {} announced again ({}); already noticed", n.executorId(), n.what());
            return false;
        }
        LOG.info("txtrain notice: executor {} is going away ({})", n.executorId(), n.what());
        synchronized (pending) {
            pending.add(n);
        }
        return true;
    }

    /** Notices not taken before, oldest first. */
    public List<ExecutorNotice> take() {
        synchronized (pending) {
            List<ExecutorNotice> out = new ArrayList<>(pending);
            pending.clear();
            out.sort(Comparator.comparingLong(ExecutorNotice::timeMillis));
            return out;
        }
    }

    /** Ids of every executor that announced, sorted. */
    public Set<String> leaving() {
        return new TreeSet<>(first.keySet());
    }
}
