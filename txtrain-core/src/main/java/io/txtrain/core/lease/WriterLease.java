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
 * the directory and the holder; a stale one is taken over with the next epoch.
 */
public final class WriterLease implements AutoCloseable {
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
     * Takes the next writer epoch of {@code layout}'s directory. A stale lease is taken over at once.
     * A live-looking one is watched (docs/PROTOCOL.md §5): if its heartbeat does not advance for the
     * lease timeout, its holder is gone (a driver restarted on another host) and the lease is taken
     * over; if the heartbeat advances, a live job holds the directory and this fails, after waiting
     * up to {@link LeaseSettings#acquireWait()} for that job to end.
     *
     * @param minEpoch the new epoch is at least this (log segments may show epochs whose lease
     *                 files were lost)
     * @throws LeaseConflictException if a live writer holds it
     */
    public static WriterLease acquire(DurableFs fs, DirLayout layout, LeaseSettings settings, String application,
                                      long minEpoch) throws IOException {
        long startNanos = System.nanoTime();
        HolderWatch watch = new HolderWatch(settings.timeout());
        boolean announced = false;
        while (true) {
            FileStatus current = highest(fs, layout);
            LeaseRecord holder = current == null ? null : read(fs, current.getPath());
            String why = current == null ? null : liveReason(current, holder, settings);
            if (why != null) {
                long now = System.nanoTime();
                HolderWatch.Verdict verdict = watch.observe(holder.epoch(), current.getModificationTime(), now);
                if (verdict == HolderWatch.Verdict.EXPIRED) {
                    LOG.warn("the lease on {} was not refreshed for {} s (spark.txtrain.lease.timeout): its holder is"
                            + " gone; taking over from {}", layout.root(), settings.timeout().toSeconds(),
                            holder.describe());
                    why = null;
                } else if (verdict == HolderWatch.Verdict.ALIVE
                        && now - startNanos >= settings.acquireWait().toNanos()) {
                    throw new LeaseConflictException("checkpoint directory " + layout.root()
                            + " is in use by another txtrain job: " + holder.describe() + "; its heartbeat advanced"
                            + " while this driver waited, so it is alive. Stop that job or use another directory"
                            + " (spark.txtrain.lease.acquireWait = " + settings.acquireWait().toSeconds()
                            + " s makes a new driver wait that long for a live job to end).");
                }
            }
            if (why == null) {
                long epoch = Math.max(minEpoch, holder == null ? 0 : holder.epoch()) + 1;
                LeaseRecord mine = LeaseRecord.forThisProcess(epoch, application);
                Path p = layout.lease(epoch);
                try (var out = fs.create(p, true)) {
                    out.write(FrameCodec.encode(RecordType.LEASE, mine.encode()));
                    out.sync();
                } catch (FileAlreadyExistsException e) {
                    LeaseRecord winner = read(fs, p);
                    throw new LeaseConflictException("checkpoint directory " + layout.root()
                            + " was just taken by another writer: " + winner.describe());
                }
                if (holder != null) {
                    LOG.info("took over {} from stale {}", layout.root(), holder.describe());
                }
                WriterLease lease = new WriterLease(fs, layout, mine, holder,
                        current != null && current.getModificationTime() == 0, settings);
                lease.deleteOlderLeases();
                return lease;
            }
            if (!announced) {
                LOG.warn("the lease on {} belongs to {} ({}): waiting up to {} s (spark.txtrain.lease.timeout)"
                        + " for that lease to expire, as after a driver restart on another host; a live holder is"
                        + " recognised by its heartbeat and refused", layout.root(), holder.describe(), why,
                        settings.timeout().toSeconds());
                announced = true;
            }
            sleep(Math.max(10, Math.min(1000, settings.heartbeat().toMillis() / 2)));
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

    private static FileStatus highest(DurableFs fs, DirLayout layout) throws IOException {
        FileStatus best = null;
        long bestEpoch = -1;
        for (FileStatus s : fs.list(layout.leaseDir())) {
            long e = DirLayout.parseLease(s.getPath().getName());
            if (e < 0) {
                throw new IOException("unknown file in the lease directory: " + s.getPath());
            }
            if (e > bestEpoch) {
                bestEpoch = e;
                best = s;
            }
        }
        return best;
    }

    private static LeaseRecord read(DurableFs fs, Path p) throws IOException {
        long len = fs.status(p).getLen();
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

    /** @throws FencedException if a higher writer epoch exists */
    public void check() throws IOException {
        if (fs.exists(layout.lease(record.epoch() + 1))) {
            throw new FencedException("this writer (epoch " + record.epoch() + ") was fenced out of "
                    + layout.root() + " by a newer writer; its last commit is not trusted");
        }
    }

    private void beat() {
        try {
            fs.touch(layout.lease(record.epoch()), System.currentTimeMillis());
        } catch (java.io.FileNotFoundException e) {
            // only a newer writer deletes this file: the directory is lost for good
            LOG.error("lost the lease on {}: a newer writer took it over; this job's next commit will fail",
                    layout.root());
            heartbeat.shutdown();
        } catch (IOException | RuntimeException e) {
            LOG.warn("lease heartbeat on {} failed: {}", layout.root(), e.toString());
        }
    }

    private void deleteOlderLeases() throws IOException {
        for (FileStatus s : fs.list(layout.leaseDir())) {
            long e = DirLayout.parseLease(s.getPath().getName());
            if (e >= 0 && e < record.epoch()) {
                fs.delete(s.getPath(), false);
            }
        }
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
