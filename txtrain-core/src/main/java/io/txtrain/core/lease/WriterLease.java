package io.txtrain.core.lease;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.log.FencedException;

/**
 * The exclusive right to write a checkpoint directory, under a writer epoch that only ever grows
 * (docs/PROTOCOL.md §5). A live lease held elsewhere makes {@link #acquire} fail with an error naming
 * the directory and the holder; a stale one is taken over with the next epoch. {@link #check} is the
 * one fencing rule every write of the directory goes through.
 */
public final class WriterLease implements AutoCloseable, Fence {
    private static final Logger LOG = LoggerFactory.getLogger(WriterLease.class);

    private final DurableFs fs;
    private final DirLayout layout;
    private final LeaseRecord record;
    private final LeaseRecord previous;
    private final boolean previousReleased;
    private final ScheduledExecutorService heartbeat;
    private volatile boolean released;

    private WriterLease(DurableFs fs, DirLayout layout, LeaseRecord record, LeaseRecord previous,
                        boolean previousReleased, LeaseSettings settings) {
        this.fs = fs;
        this.layout = layout;
        this.record = record;
        this.previous = previous;
        this.previousReleased = previousReleased;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "txtrain-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long ms = settings.heartbeat().toMillis();
        heartbeat.scheduleWithFixedDelay(this::beat, ms, ms, TimeUnit.MILLISECONDS);
    }

    /**
     * How far a lease file's epoch may lie above the highest epoch of the log and checkpoints: each
     * start that takes an epoch and stops before it writes a segment adds one. A lease file further
     * above was copied or made by hand (docs/PROTOCOL.md §5).
     */
    static final long MAX_LEASE_LEAD = 1_000_000;

    /**
     * Takes the next writer epoch of {@code layout}'s directory: one above every epoch in lease
     * files, log segment names and checkpoint names (docs/PROTOCOL.md §5). Writes nothing unless it
     * succeeds, except the new lease file itself. A stale lease is taken over at once. A live-looking
     * one is watched: if its heartbeat does not advance for the lease timeout, its holder is gone (a
     * driver restarted on another host) and the lease is taken over; if the heartbeat advances, a
     * live job holds the directory and this fails, after waiting up to
     * {@link LeaseSettings#acquireWait()} for that job to end.
     *
     * @throws LeaseConflictException if a live writer holds it, or if its epochs cannot be trusted
     *                                (a copied or crafted lease file)
     */
    public static WriterLease acquire(DurableFs fs, DirLayout layout, LeaseSettings settings, String application)
            throws IOException {
        long startNanos = System.nanoTime();
        HolderWatch watch = new HolderWatch(settings.timeout());
        boolean announced = false;
        long missingSince = -1;
        while (true) {
            checkLeaseNames(fs, layout);
            RunEpochs epochs = RunEpochs.read(fs, layout, true);
            checkPlausible(layout, epochs);
            LeaseRecord holder;
            boolean released;
            if (epochs.run() > epochs.lease()) {
                // the newest writer's lease file is gone (removed by hand): its holder, if it still
                // runs, re-creates it at its next heartbeat; one lease timeout without it is stale
                long now = System.currentTimeMillis();
                if (missingSince < 0) {
                    missingSince = now;
                    LOG.warn("the lease file of writer epoch {} of {} is missing ({} carries that epoch); waiting up to"
                            + " {} s (spark.txtrain.lease.timeout) for its holder, if it still runs, to re-create it",
                            epochs.run(), layout.root(), epochs.runFile(), settings.timeout().toSeconds());
                }
                if (now - missingSince <= settings.timeout().toMillis()) {
                    sleep(Math.min(200, settings.heartbeat().toMillis()));
                    continue;
                }
                holder = new LeaseRecord(epochs.run(), "unknown", -1, 0, "lease file missing", 0);
                released = false;
            } else {
                FileStatus current;
                try {
                    current = epochs.leaseFile() == null ? null : fs.status(epochs.leaseFile());
                } catch (java.io.FileNotFoundException gone) {
                    continue; // replaced by a newer writer's since it was listed: look again
                }
                holder = current == null ? null : readSettled(fs, current.getPath());
                String why = current == null ? null : liveReason(current, holder, settings);
                if (why != null) {
                    // a live-looking lease is watched: a heartbeat that stops for the lease timeout is a
                    // holder gone (a driver restarted on another host); one that advances is a live job
                    long now = System.nanoTime();
                    HolderWatch.Verdict verdict = watch.observe(holder.epoch(), current.getModificationTime(), now);
                    if (verdict == HolderWatch.Verdict.EXPIRED) {
                        LOG.warn("the lease on {} was not refreshed for {} s (spark.txtrain.lease.timeout): its holder"
                                + " is gone; taking over from {}", layout.root(), settings.timeout().toSeconds(),
                                holder.describe());
                        why = null;
                    } else if (verdict == HolderWatch.Verdict.ALIVE
                            && now - startNanos >= settings.acquireWait().toNanos()) {
                        throw new LeaseConflictException("checkpoint directory " + layout.root()
                                + " is in use by another txtrain job: " + holder.describe() + "; its heartbeat"
                                + " advanced while this driver waited, so it is alive. Stop that job or use another"
                                + " directory (spark.txtrain.lease.acquireWait = " + settings.acquireWait().toSeconds()
                                + " s makes a new driver wait that long for a live job to end).");
                    }
                }
                if (why != null) {
                    if (!announced) {
                        LOG.warn("the lease on {} belongs to {} ({}): waiting up to {} s (spark.txtrain.lease.timeout)"
                                + " for that lease to expire, as after a driver restart on another host; a live holder"
                                + " is recognised by its heartbeat and refused", layout.root(), holder.describe(), why,
                                settings.timeout().toSeconds());
                        announced = true;
                    }
                    sleep(Math.max(10, Math.min(1000, settings.heartbeat().toMillis() / 2)));
                    continue;
                }
                released = current != null && current.getModificationTime() == 0;
            }
            long epoch = epochs.highest() + 1;
            if (epoch > DirLayout.MAX_EPOCH) {
                throw new LeaseConflictException("checkpoint directory " + layout.root() + " cannot take another"
                        + " writer: " + epochs.highestFile() + " carries writer epoch " + epochs.highest()
                        + ", the largest a 10-digit name holds. txtrain takes one epoch per start and never gets"
                        + " near it, so the run's files were copied or made by hand; export the model (txtrain export)"
                        + " and train on in a new directory.");
            }
            LeaseRecord mine = LeaseRecord.forThisProcess(epoch, application);
            Path p = layout.lease(epoch);
            try {
                create(fs, p, mine);
            } catch (FileAlreadyExistsException e) {
                LeaseRecord winner = readSettled(fs, p);
                throw new LeaseConflictException("checkpoint directory " + layout.root()
                        + " was just taken by another writer: " + winner.describe()
                        + ". Stop that job or use another directory.");
            }
            if (holder != null) {
                LOG.info("took over {} from stale {}", layout.root(), holder.describe());
            }
            return new WriterLease(fs, layout, mine, holder, released, settings);
        }
    }

    /**
     * Read-only: fails as {@link #acquire} would at once if a live writer holds the directory, so
     * that an error found while it writes (a file it deletes as it goes) is reported as the conflict.
     */
    public static void refuseIfHeld(DurableFs fs, DirLayout layout, LeaseSettings settings) throws IOException {
        RunEpochs epochs = RunEpochs.read(fs, layout, false);
        if (epochs.leaseFile() == null) {
            return;
        }
        FileStatus current = fs.status(epochs.leaseFile());
        LeaseRecord holder = readSettled(fs, current.getPath());
        String why = liveReason(current, holder, settings);
        if (why != null) {
            throw new LeaseConflictException("checkpoint directory " + layout.root()
                    + " is in use by another txtrain job: " + holder.describe() + "; " + why
                    + ". Stop that job, wait until its lease expires (spark.txtrain.lease.timeout = "
                    + settings.timeout().toSeconds() + " s), or use another directory.");
        }
    }

    private static void create(DurableFs fs, Path p, LeaseRecord record) throws IOException {
        try (var out = fs.create(p, true)) {
            out.write(FrameCodec.encode(RecordType.LEASE, record.encode()));
            out.sync();
        }
    }

    private static void checkLeaseNames(DurableFs fs, DirLayout layout) throws IOException {
        for (FileStatus s : fs.list(layout.leaseDir())) {
            if (DirLayout.parseLease(s.getPath().getName()) < 0) {
                throw new LeaseConflictException("unknown file in the lease directory: " + s.getPath()
                        + " (txtrain names lease files writer-<10-digit epoch>); remove it if no job is using "
                        + layout.root());
            }
        }
    }

    /** A lease file far above every epoch the run's own files carry was not written by a start. */
    private static void checkPlausible(DirLayout layout, RunEpochs epochs) throws LeaseConflictException {
        if (epochs.lease() - epochs.run() > MAX_LEASE_LEAD) {
            throw new LeaseConflictException("lease file " + epochs.leaseFile() + " claims writer epoch "
                    + epochs.lease() + ", but the highest epoch in the log and checkpoints of " + layout.root()
                    + " is " + epochs.run() + ": no sequence of txtrain starts leaves such a gap, so the file was"
                    + " copied or made by hand. If no job is using the directory, delete " + epochs.leaseFile()
                    + " (lease files only say who holds the directory; the next start takes the epoch after the"
                    + " log's highest).");
        }
    }

    /** Null if stale; otherwise why the lease counts as live. */
    private static String liveReason(FileStatus st, LeaseRecord holder, LeaseSettings settings) {
        long mtime = st.getModificationTime();
        if (mtime == 0) {
            return null; // released
        }
        long age = System.currentTimeMillis() - mtime;
        if (age > settings.timeout().toMillis()) {
            return null;
        }
        if (holder.holderProvablyDead()) {
            return null;
        }
        return "last heartbeat " + Math.max(0, age / 1000) + " s ago";
    }

    /**
     * The record of a lease file, waiting (at most 5 s in all) while its writer still has it open
     * and then while it cannot be read: a writer that has just created it is still writing it, and
     * the holder must be named. On HDFS a file is read only once closed (or at the deadline): a
     * read of a block still being set up can stall in the client's retries for many seconds.
     */
    static LeaseRecord readSettled(DurableFs fs, Path p) throws IOException {
        long deadline = System.currentTimeMillis() + 5_000;
        while (!fs.isClosed(p) && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        LeaseRecord r = read(fs, p);
        while (r.pid() < 0 && System.currentTimeMillis() < deadline) {
            sleep(50);
            r = read(fs, p);
        }
        return r;
    }

    private static LeaseRecord read(DurableFs fs, Path p) throws IOException {
        long len;
        try {
            len = fs.visibleLength(p); // a lease file being written is still open on HDFS
        } catch (java.io.FileNotFoundException gone) {
            return new LeaseRecord(DirLayout.parseLease(p.getName()), "unknown", -1, 0, "lease file removed", 0);
        }
        try (InputStream in = fs.open(p)) {
            return LeaseRecord.decode(new FrameReader(in, p.toString(), len).expect(RecordType.LEASE).payload());
        } catch (IOException | RuntimeException e) {
            // A writer that died while creating its lease file: treat as held at that epoch by nobody.
            long epoch = DirLayout.parseLease(p.getName());
            LOG.warn("lease file {} is unreadable ({}); treating it as an abandoned epoch {}", p, e.toString(), epoch);
            return new LeaseRecord(epoch, "unknown", -1, 0, "unreadable lease file", 0);
        }
    }

    public long epoch() {
        return record.epoch();
    }

    public LeaseRecord holder() {
        return record;
    }

    /** The stale lease this one replaced, or null on a fresh directory. */
    public LeaseRecord previous() {
        return previous;
    }

    /** True if the previous holder released the directory cleanly (false after a crash or on a fresh one). */
    public boolean previousReleased() {
        return previousReleased;
    }

    /**
     * The fencing rule (docs/PROTOCOL.md §5): this writer is fenced as soon as a lease file or a log
     * segment of a higher epoch exists. Lists lease/ (one call); log/ only when this writer's own
     * lease file is gone, as a newer writer removes it once its own segment exists.
     *
     * @throws FencedException if it is fenced
     */
    @Override
    public void check() throws IOException {
        long highest = 0;
        Path newest = null;
        boolean own = false;
        for (String name : fs.listNames(layout.leaseDir())) {
            long e = DirLayout.parseLease(name);
            own |= e == record.epoch();
            if (e > highest) {
                highest = e;
                newest = new Path(layout.leaseDir(), name);
            }
        }
        if (highest <= record.epoch() && !own) {
            RunEpochs e = RunEpochs.read(fs, layout, false);
            highest = e.run();
            newest = e.runFile();
        }
        if (highest > record.epoch()) {
            throw new FencedException("this writer (epoch " + record.epoch() + ") was fenced out of "
                    + layout.root() + " by a newer writer (" + newest.getName() + "); its last commit is not trusted");
        }
    }

    private void beat() {
        if (released) {
            return;
        }
        Path mine = layout.lease(record.epoch());
        try {
            fs.touch(mine, System.currentTimeMillis());
        } catch (java.io.FileNotFoundException e) {
            try {
                check();
                // removed by hand while this job runs: put it back, so that a new start sees the holder
                create(fs, mine, record);
                LOG.warn("the lease file {} was removed while this job holds {}; re-created it", mine, layout.root());
            } catch (FencedException fenced) {
                LOG.error("lost the lease on {}: a newer writer took it over; this job's next commit will fail",
                        layout.root());
                heartbeat.shutdown();
            } catch (IOException | RuntimeException again) {
                LOG.warn("lease heartbeat on {} failed: {}", layout.root(), again.toString());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("lease heartbeat on {} failed: {}", layout.root(), e.toString());
        }
    }

    /**
     * Deletes the lease files of lower epochs, once this writer's start has succeeded (its segment
     * is durable), so that lease/ holds one file.
     */
    public void retireOlder() throws IOException {
        check();
        for (FileStatus s : fs.list(layout.leaseDir())) {
            long e = DirLayout.parseLease(s.getPath().getName());
            if (e >= 0 && e < record.epoch()) {
                fs.delete(s.getPath(), false);
            }
        }
    }

    /**
     * For a start refused after the lease was taken: stops heartbeats and deletes this writer's
     * lease file, which is all it wrote; the directory's lease files are then as before.
     */
    public void abandon() throws IOException {
        released = true;
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(10, TimeUnit.SECONDS); // a beat in progress must not re-create the file
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        fs.delete(layout.lease(record.epoch()), false);
    }

    /** Stops heartbeats and marks the lease released, so the next writer need not wait. */
    @Override
    public void close() throws IOException {
        if (released) {
            return;
        }
        released = true;
        heartbeat.shutdownNow();
        try {
            fs.touch(layout.lease(record.epoch()), 0);
        } catch (java.io.FileNotFoundException e) {
            // a newer writer took over and deleted this lease: there is nothing left to release
            LOG.info("lease {} was already taken over; nothing to release", layout.lease(record.epoch()));
        }
    }

    private static void sleep(long ms) throws IOException {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the lease", e);
        }
    }
}
