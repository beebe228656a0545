package io.txtrain.core.recovery;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.checkpoint.CheckpointWriter;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.lease.WriterLease;
import io.txtrain.core.log.LogChainReader;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundLogWriter;

/**
 * Opens a checkpoint directory for writing: takes the writer lease, checks the run identity,
 * computes the recovery plan under the lease and starts this writer's log epoch. Read-only
 * inspection uses {@link #inspect} and takes no lease.
 */
public final class RecoveryDirectory {
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryDirectory.class);
    private static final long HDFS_LEASE_RECOVERY_MS = 60_000;

    private RecoveryDirectory() {
    }

    /**
     * @param runAttributes the run's identity (network, data, averaging settings); a resume with
     *                      different values fails with {@link RunMismatchException}
     * @param application   describes this writer in the lease (e.g. Spark application id)
     */
    public static OpenRun open(URI dir, Configuration conf, CoreSettings settings, Map<String, String> runAttributes,
                               String application, CheckpointListener listener) throws IOException {
        return open(dir, conf, settings, runAttributes, Set.of(), application, listener);
    }

    /**
     * As {@link #open(URI, Configuration, CoreSettings, Map, String, CheckpointListener)}, where the
     * attributes named in {@code versioned} were added or retired by a version of the trainer: one
     * of them that only the directory or only {@code runAttributes} has is not a mismatch (§6).
     */
    public static OpenRun open(URI dir, Configuration conf, CoreSettings settings, Map<String, String> runAttributes,
                               Set<String> versioned, String application, CheckpointListener listener)
            throws IOException {
        DurableFs fs = DurableFs.forUri(dir, conf);
        Path root = fs.qualify(new Path(dir));
        DirLayout layout = new DirLayout(root);
        FsPermission perm = new FsPermission(settings.permission());
        checkTopLevel(fs, layout);
        fs.mkdirs(root, perm);
        fs.mkdirs(layout.leaseDir(), perm);
        fs.mkdirs(layout.logDir(), perm);
        fs.mkdirs(layout.checkpointDir(), perm);

        LogChainReader logReader = new LogChainReader(fs, layout);
        CheckpointStore store = new CheckpointStore(fs, layout);
        WriterLease lease = WriterLease.acquire(fs, layout, settings.lease(), application, 0);
        try {
            checkFormat(fs, layout, runAttributes, versioned);
            if (lease.previous() != null) {
                String head = logReader.read().head();
                if (!head.isEmpty()) {
                    fs.recoverLease(new Path(layout.logDir(), head), HDFS_LEASE_RECOVERY_MS);
                }
            }
            RecoveryPlan plan = new RecoveryPlanner(logReader, store).plan();
            cleanUp(fs, layout, store, plan);
            RecoveryEvent event = new RecoveryEvent(System.currentTimeMillis(), lease.epoch(), plan.start() == null
                    ? -1 : plan.startRound(), plan.replay().size(), plan.nextRound(),
                    lease.previous() == null ? "" : lease.previous().describe(),
                    lease.previous() != null && !lease.previousReleased());
            RoundLogWriter log = RoundLogWriter.takeOver(fs, layout, lease.epoch(), settings.segmentBytes(), lease::check,
                    plan.chain(), event);
            Retention retention = new Retention(store, log, settings.retain(), plan.untrusted());
            CheckpointWriter checkpoints = new CheckpointWriter(store, lease.epoch(), listener, ref -> retention.apply());
            LOG.info("opened {} as writer epoch {}: {}", root, lease.epoch(), describe(plan));
            return new OpenRun(root, lease, plan, log, checkpoints);
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** Reads the plan of a directory without taking the lease or writing anything. */
    public static RecoveryPlan inspect(URI dir, Configuration conf) throws IOException {
        DurableFs fs = DurableFs.forUri(dir, conf);
        DirLayout layout = new DirLayout(fs.qualify(new Path(dir)));
        checkTopLevel(fs, layout);
        return new RecoveryPlanner(new LogChainReader(fs, layout), new CheckpointStore(fs, layout)).plan();
    }

    /**
     * The run attributes recorded in the directory's {@code FORMAT} (docs/PROTOCOL.md §6), read without
     * the lease; empty if the directory or its {@code FORMAT} does not exist yet.
     */
    public static Map<String, String> runAttributes(URI dir, Configuration conf) throws IOException {
        DurableFs fs = DurableFs.forUri(dir, conf);
        DirLayout layout = new DirLayout(fs.qualify(new Path(dir)));
        if (!fs.exists(layout.format())) {
            return Map.of();
        }
        return readFormat(fs, layout).runAttributes();
    }

    static String describe(RecoveryPlan plan) {
        if (plan.fresh()) {
            return "fresh start at round 1";
        }
        return "resuming at round " + plan.nextRound() + " from "
                + (plan.start() == null ? "the initial state" : "checkpoint of round " + plan.startRound())
                + " with " + plan.replay().size() + " round(s) to replay"
                + (plan.rejected().isEmpty() ? "" : "; rejected checkpoints: " + plan.rejected());
    }

    private static void checkTopLevel(DurableFs fs, DirLayout layout) throws IOException {
        if (!fs.exists(layout.root())) {
            return;
        }
        if (!fs.status(layout.root()).isDirectory()) {
            throw new IOException("checkpoint directory " + layout.root() + " is a file");
        }
        var known = java.util.Set.of(DirLayout.FORMAT, DirLayout.LEASE_DIR, DirLayout.LOG_DIR, DirLayout.CHECKPOINT_DIR,
                DirLayout.NETWORKS_DIR, DirLayout.HISTORY_DIR);
        List<String> foreign = new ArrayList<>();
        boolean hasFormat = false;
        boolean hasContent = false;
        for (FileStatus s : fs.list(layout.root())) {
            String n = s.getPath().getName();
            hasFormat |= n.equals(DirLayout.FORMAT);
            if (!known.contains(n)) {
                foreign.add(n);
            } else if (!n.equals(DirLayout.FORMAT) && !n.equals(DirLayout.LEASE_DIR) && !n.equals(DirLayout.NETWORKS_DIR)
                    && !n.equals(DirLayout.HISTORY_DIR) && fs.list(s.getPath()).length > 0) {
                hasContent = true;
            }
        }
        if (!foreign.isEmpty()) {
            throw new IOException("checkpoint directory " + layout.root() + " is not a txtrain directory: it holds "
                    + foreign + "; use an empty or new directory");
        }
        if (hasContent && !hasFormat) {
            throw new IOException("checkpoint directory " + layout.root() + " has log or checkpoint files but no "
                    + DirLayout.FORMAT + " file; it was not written by txtrain or is damaged");
        }
        if (hasFormat) {
            readFormat(fs, layout); // version check
        }
    }

    private static void checkFormat(DurableFs fs, DirLayout layout, Map<String, String> attrs, Set<String> versioned)
            throws IOException {
        if (!fs.exists(layout.format())) {
            FormatMeta meta = new FormatMeta(System.currentTimeMillis(), attrs);
            fs.writeAtomically(layout.format(), FrameCodec.encode(RecordType.META, meta.encode()));
            return;
        }
        FormatMeta meta = readFormat(fs, layout);
        List<String> diffs = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(meta.runAttributes().keySet());
        keys.addAll(attrs.keySet());
        for (String k : keys) {
            String was = meta.runAttributes().get(k);
            String now = attrs.get(k);
            if ((was == null || now == null) && versioned.contains(k)) {
                // added or retired by a txtrain version between the two writers (PROTOCOL.md §6)
                LOG.info("run attribute {} is {} (written by another txtrain version); not compared", k,
                        was == null ? "new" : "no longer recorded");
                continue;
            }
            if (was == null ? now != null : !was.equals(now)) {
                diffs.add(k + " was " + abbreviate(was) + ", now " + abbreviate(now));
            }
        }
        if (!diffs.isEmpty()) {
            throw new RunMismatchException(layout.root().toString(), diffs);
        }
    }

    static FormatMeta readFormat(DurableFs fs, DirLayout layout) throws IOException {
        Path p = layout.format();
        long len = fs.status(p).getLen();
        try (InputStream in = fs.open(p)) {
            return FormatMeta.decode(new FrameReader(in, p.toString(), len).expect(RecordType.META).payload());
        }
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "(unset)";
        }
        return s.length() <= 80 ? "'" + s + "'" : "'" + s.substring(0, 77) + "...'";
    }

    private static void cleanUp(DurableFs fs, DirLayout layout, CheckpointStore store, RecoveryPlan plan)
            throws IOException {
        for (Path tmp : store.listTemporary()) {
            LOG.info("removing unfinished checkpoint {}", tmp);
            fs.delete(tmp, true);
        }
        for (String orphan : plan.chain().orphans()) {
            LOG.info("removing log segment {} of a fenced-out writer", orphan);
            fs.delete(new Path(layout.logDir(), orphan), false);
        }
    }
}
