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
import io.txtrain.core.fs.SupportedStores;
import io.txtrain.core.lease.Fence;
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
        DurableFs fs = DurableFs.forUri(dir, conf).withPermission(settings.permission());
        Path root = fs.qualify(new Path(dir));
        SupportedStores.check(fs.fileSystem(), root);
        DirLayout layout = new DirLayout(root);
        LogChainReader logReader = new LogChainReader(fs, layout);
        CheckpointStore store = new CheckpointStore(fs, layout);

        // A start that is refused leaves the directory as it was (docs/PROTOCOL.md §8): what can refuse
        // it is checked before anything is written, and a refusal found under the lease removes the
        // lease file it took (older lease files are retired only once the start has succeeded).
        checkTopLevel(fs, layout);
        try {
            if (fs.exists(layout.format())) {
                compareFormat(fs, layout, runAttributes, versioned);
            }
            logReader.read();
            store.list();
        } catch (IOException | RuntimeException e) {
            // a live job holds it: that is the thing to fix first (and it may be changing the files)
            WriterLease.refuseIfHeld(fs, layout, settings.lease());
            throw e;
        }
        for (Path d : List.of(root, layout.leaseDir(), layout.logDir(), layout.checkpointDir())) {
            fs.mkdirs(d);
        }

        WriterLease lease = WriterLease.acquire(fs, layout, settings.lease(), application);
        RecoveryPlan plan;
        try {
            checkFormat(fs, layout, runAttributes, versioned);
            if (lease.previous() != null) {
                String head = logReader.read().head();
                if (!head.isEmpty()) {
                    fs.recoverLease(new Path(layout.logDir(), head), HDFS_LEASE_RECOVERY_MS);
                }
            }
            plan = new RecoveryPlanner(logReader, store).plan();
        } catch (IOException | RuntimeException e) {
            lease.abandon();
            throw e;
        }
        try {
            restrictPermissions(fs, layout);
            cleanUp(fs, layout, store, plan, lease);
            RecoveryEvent event = new RecoveryEvent(System.currentTimeMillis(), lease.epoch(), plan.start() == null
                    ? -1 : plan.startRound(), plan.replay().size(), plan.nextRound(),
                    lease.previous() == null ? "" : lease.previous().describe(),
                    lease.previous() != null && !lease.previousReleased());
            RoundLogWriter log = RoundLogWriter.takeOver(fs, layout, lease.epoch(), settings.segmentBytes(), lease::check,
                    plan.chain(), event);
            lease.retireOlder();
            Retention retention = new Retention(store, log, lease::check, settings.retain(), plan.untrusted());
            CheckpointWriter checkpoints = new CheckpointWriter(store, lease.epoch(), lease::check, listener,
                    ref -> retention.apply());
            LOG.info("opened {} as writer epoch {}: {}", root, lease.epoch(), describe(plan));
            return new OpenRun(root, lease, plan, log, checkpoints);
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /**
     * A directory that others may read or write (created by hand, or by a txtrain before 1.0 under a
     * lax umask) is narrowed to the configured permission, with a warning saying so.
     */
    private static void restrictPermissions(DurableFs fs, DirLayout layout) throws IOException {
        FsPermission want = fs.dirPermission();
        for (Path d : List.of(layout.root(), layout.leaseDir(), layout.logDir(), layout.checkpointDir())) {
            FsPermission has = fs.status(d).getPermission();
            if ((has.toShort() & 0777 & ~want.toShort()) != 0) {
                try {
                    fs.fileSystem().setPermission(d, want);
                    LOG.warn("{} had permission {} ({}), more open than spark.txtrain.dir.permission; set it to {} ({})",
                            d, has, octal(has), want, octal(want));
                } catch (IOException e) {
                    LOG.warn("{} has permission {} ({}), more open than spark.txtrain.dir.permission ({}), and could"
                            + " not be narrowed: {}", d, has, octal(has), octal(want), e.toString());
                }
            }
        }
    }

    private static String octal(FsPermission p) {
        return String.format("%03o", p.toShort() & 0777);
    }

    /** Reads the plan of a directory without taking the lease or writing anything. */
    public static RecoveryPlan inspect(URI dir, Configuration conf) throws IOException {
        DurableFs fs = DurableFs.forUri(dir, conf);
        return inspect(fs, new DirLayout(fs.qualify(new Path(dir))));
    }

    /** As {@link #inspect(URI, Configuration)}: exactly what a writer's start checks before it writes. */
    public static RecoveryPlan inspect(DurableFs fs, DirLayout layout) throws IOException {
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
        compareFormat(fs, layout, attrs, versioned);
    }

    private static void compareFormat(DurableFs fs, DirLayout layout, Map<String, String> attrs, Set<String> versioned)
            throws IOException {
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

    private static void cleanUp(DurableFs fs, DirLayout layout, CheckpointStore store, RecoveryPlan plan, Fence fence)
            throws IOException {
        for (Path tmp : store.listTemporary()) {
            LOG.info("removing unfinished checkpoint {}", tmp);
            fence.check();
            fs.delete(tmp, true);
        }
        for (String orphan : plan.chain().orphans()) {
            LOG.info("removing log segment {} of a fenced-out writer", orphan);
            fence.check();
            fs.delete(new Path(layout.logDir(), orphan), false);
        }
    }
}
