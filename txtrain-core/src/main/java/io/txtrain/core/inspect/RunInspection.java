package io.txtrain.core.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.checkpoint.CheckpointCorruptException;
import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.checkpoint.Manifest;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.lease.LeaseRecord;
import io.txtrain.core.log.LogChain;
import io.txtrain.core.log.LogChainReader;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.log.SegmentHeader;
import io.txtrain.core.recovery.FormatMeta;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.core.recovery.RecoveryPlanner;

/**
 * Everything a person wants to know about a checkpoint directory, read without taking the lease
 * or writing anything. Each part is read on its own, so a damaged part leaves the others readable;
 * its error is kept instead.
 *
 * @param format       the run identity, or null (see {@code formatError}; null for an empty directory)
 * @param chain        the trusted log, or null if it cannot be read (see {@code chainError})
 * @param plan         what recovery would do, or null if it would fail (see {@code planError})
 * @param checkpoints  published checkpoints, newest first
 * @param unfinished   temporary checkpoint directories (persists that crashed or failed)
 * @param segments     every file of the log directory, in name order
 * @param leases       every lease file, lowest epoch first
 */
public record RunInspection(Path root, long inspectedAtMillis, FormatMeta format, String formatError, LogChain chain,
                            String chainError, RecoveryPlan plan, String planError, List<CheckpointStatus> checkpoints,
                            List<String> unfinished, List<SegmentInfo> segments, List<LeaseInfo> leases) {

    public static RunInspection read(DurableFs fs, DirLayout layout) throws IOException {
        long now = System.currentTimeMillis();
        FormatMeta format = null;
        String formatError = null;
        if (fs.exists(layout.format())) {
            try {
                format = readFormat(fs, layout.format());
            } catch (IOException | RuntimeException e) {
                formatError = e.getMessage();
            }
        }
        LogChainReader logReader = new LogChainReader(fs, layout);
        CheckpointStore store = new CheckpointStore(fs, layout);
        LogChain chain = null;
        String chainError = null;
        try {
            chain = logReader.read();
        } catch (IOException | RuntimeException e) {
            chainError = e.getMessage();
        }
        RecoveryPlan plan = null;
        String planError = null;
        try {
            plan = new RecoveryPlanner(logReader, store).plan();
        } catch (IOException | RuntimeException e) {
            planError = e.getMessage();
        }
        List<String> unfinished = new ArrayList<>();
        for (Path p : store.listTemporary()) {
            unfinished.add(p.getName());
        }
        return new RunInspection(layout.root(), now, format, formatError, chain, chainError, plan, planError,
                checkpoints(fs, store, new RecoveryPlanner(logReader, store), chain, plan), List.copyOf(unfinished), segments(fs, layout, chain),
                leases(fs, layout));
    }

    /** True if the directory holds no run at all (fresh start). */
    public boolean empty() {
        return format == null && formatError == null && segments.isEmpty() && checkpoints.isEmpty();
    }

    /** The newest committed round's record, or null. */
    public RoundRecord lastRound() {
        return chain == null || chain.rounds().isEmpty() ? null : chain.rounds().get(chain.rounds().size() - 1);
    }

    /** The lease with the highest epoch (the current or last writer), or null. */
    public LeaseInfo currentLease() {
        return leases.isEmpty() ? null : leases.get(leases.size() - 1);
    }

    /** A run attribute from FORMAT, or null. */
    public String attribute(String key) {
        return format == null ? null : format.runAttributes().get(key);
    }

    static FormatMeta readFormat(DurableFs fs, Path p) throws IOException {
        long len = fs.status(p).getLen();
        try (InputStream in = fs.open(p)) {
            return FormatMeta.decode(new FrameReader(in, p.toString(), len).expect(RecordType.META).payload());
        }
    }

    private static List<CheckpointStatus> checkpoints(DurableFs fs, CheckpointStore store, RecoveryPlanner planner,
                                                      LogChain chain, RecoveryPlan plan) throws IOException {
        List<CheckpointRef> refs;
        try {
            refs = store.list();
        } catch (IOException e) {
            return List.of(); // unknown entries: the plan's error says so
        }
        List<CheckpointStatus> out = new ArrayList<>();
        for (CheckpointRef ref : refs) {
            boolean start = plan != null && plan.start() != null && plan.start().ref().path().equals(ref.path());
            Manifest manifest = start ? plan.start().manifest() : null;
            String problem = null;
            try {
                if (!start) { // the plan's start is verified already
                    manifest = store.readManifest(ref);
                    if (chain == null) {
                        store.load(ref);
                        problem = "not checked against the log, which cannot be read";
                    } else {
                        planner.trusted(ref, chain);
                    }
                }
            } catch (CheckpointCorruptException e) {
                problem = e.getMessage();
            }
            out.add(new CheckpointStatus(ref, manifest, size(fs, ref.path()), problem, start));
        }
        return List.copyOf(out);
    }

    private static long size(DurableFs fs, Path dir) throws IOException {
        long total = 0;
        for (FileStatus s : fs.list(dir)) {
            total += s.isDirectory() ? size(fs, s.getPath()) : s.getLen();
        }
        return total;
    }

    private static List<SegmentInfo> segments(DurableFs fs, DirLayout layout, LogChain chain) throws IOException {
        List<SegmentInfo> out = new ArrayList<>();
        for (FileStatus s : fs.list(layout.logDir())) {
            String name = s.getPath().getName();
            long[] k = DirLayout.parseSegment(name);
            if (k == null) {
                continue; // not a segment; verify reports it
            }
            SegmentInfo.Role role;
            long trusted = -1;
            long valid = -1;
            int at = chain == null ? -1 : chain.segments().indexOf(name);
            if (chain == null) {
                role = null;
            } else if (at < 0) {
                role = SegmentInfo.Role.ORPHAN;
            } else if (at == chain.segments().size() - 1) {
                role = SegmentInfo.Role.HEAD;
                valid = chain.headValidLength();
            } else {
                role = SegmentInfo.Role.SEALED;
                trusted = header(fs, new Path(layout.logDir(), chain.segments().get(at + 1))).previousTrustedLength();
            }
            out.add(new SegmentInfo(name, k[0], k[1], s.getLen(), role, trusted, valid));
        }
        return List.copyOf(out);
    }

    static SegmentHeader header(DurableFs fs, Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            return SegmentHeader.decode(new FrameReader(in, p.toString(), fs.visibleLength(p)).expect(RecordType.SEGMENT_HEADER)
                    .payload());
        }
    }

    private static List<LeaseInfo> leases(DurableFs fs, DirLayout layout) throws IOException {
        List<LeaseInfo> out = new ArrayList<>();
        for (FileStatus s : fs.list(layout.leaseDir())) {
            long epoch = DirLayout.parseLease(s.getPath().getName());
            if (epoch < 0) {
                continue; // verify reports it
            }
            LeaseRecord record = null;
            String error = null;
            try (InputStream in = fs.open(s.getPath())) {
                record = LeaseRecord.decode(new FrameReader(in, s.getPath().toString(), s.getLen())
                        .expect(RecordType.LEASE).payload());
            } catch (IOException | RuntimeException e) {
                error = e.getMessage();
            }
            out.add(new LeaseInfo(epoch, record, error, s.getModificationTime()));
        }
        return List.copyOf(out);
    }
}
