package io.txtrain.core.inspect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.checkpoint.CheckpointDefect;
import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.checkpoint.Manifest;
import io.txtrain.core.checkpoint.VerifiedCheckpoint;
import io.txtrain.core.codec.ByteSource;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameScanner;
import io.txtrain.core.codec.PayloadReader.MalformedPayloadException;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.lease.LeaseRecord;
import io.txtrain.core.log.LogChain;
import io.txtrain.core.log.LogChainReader;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.log.SegmentHeader;
import io.txtrain.core.recovery.FormatMeta;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlanner;

/**
 * Checks a whole checkpoint directory against docs/PROTOCOL.md: every frame of every file (log
 * segments on and off the chain, to their ends, past trusted lengths too), every published
 * checkpoint's manifest and blobs, FORMAT and the lease files; then whether recovery would succeed.
 * What is trusted is decided by the recovery code itself ({@link LogChainReader},
 * {@link RecoveryPlanner#defects}), never by a second reading of the rules; this class adds where
 * each damaged place is. A crash artifact that recovery handles by design (a torn tail, bytes past
 * a trusted length, an unfinished checkpoint, an orphan segment) is a note; anything else that does
 * not verify is a problem with its file and offset. Every file is streamed with a fixed-size
 * buffer, so memory does not grow with file sizes.
 */
public final class DirectoryVerifier {
    /** A further check of a checkpoint whose blobs all verified, such as the trainer's state checksum. */
    public interface CheckpointCheck {
        /** @return null if the checkpoint is sound, otherwise what is wrong */
        String check(VerifiedCheckpoint checkpoint);
    }

    /**
     * What was checked and what was found.
     *
     * @param trusted       names of the published checkpoints recovery trusts
     * @param recoveryError why recovery would fail, or null if it would succeed
     */
    public record Result(List<Finding> findings, int files, long frames, long bytes, Set<String> trusted,
                         String recoveryError) {
        public long problems() {
            return findings.stream().filter(Finding::isProblem).count();
        }

        public boolean sound() {
            return problems() == 0;
        }
    }

    private static final Set<String> TOP_LEVEL = Set.of(DirLayout.FORMAT, DirLayout.LEASE_DIR, DirLayout.LOG_DIR,
            DirLayout.CHECKPOINT_DIR, DirLayout.NETWORKS_DIR, DirLayout.HISTORY_DIR);

    private final DurableFs fs;
    private final DirLayout layout;
    private final CheckpointCheck extra;
    private final List<Finding> findings = new ArrayList<>();
    private final Set<String> trusted = new TreeSet<>();
    private int files;
    private long frames;
    private long bytes;

    private DirectoryVerifier(DurableFs fs, DirLayout layout, CheckpointCheck extra) {
        this.fs = fs;
        this.layout = layout;
        this.extra = extra;
    }

    /** @param extra a further check of each trusted checkpoint, or null */
    public static Result verify(DurableFs fs, DirLayout layout, CheckpointCheck extra) throws IOException {
        DirectoryVerifier v = new DirectoryVerifier(fs, layout, extra);
        v.topLevel();
        v.format();
        v.leases();
        LogChain chain = v.log();
        v.checkpoints(chain);
        String recoveryError = v.plan(chain);
        return new Result(List.copyOf(v.findings), v.files, v.frames, v.bytes, Set.copyOf(v.trusted), recoveryError);
    }

    private void topLevel() throws IOException {
        for (FileStatus s : fs.list(layout.root())) {
            String name = s.getPath().getName();
            if (!TOP_LEVEL.contains(name)) {
                problem(s.getPath(), -1, "not a txtrain file; recovery refuses a directory with foreign entries");
            } else if (!name.equals(DirLayout.FORMAT) && !s.isDirectory()) {
                problem(s.getPath(), -1, "must be a directory");
            }
        }
    }

    private void format() throws IOException {
        Path p = layout.format();
        if (!fs.exists(p)) {
            if (fs.list(layout.logDir()).length > 0 || fs.list(layout.checkpointDir()).length > 0) {
                problem(p, -1, "missing, but the directory holds log or checkpoint files; recovery refuses it");
            }
            return;
        }
        single(p, RecordType.META, false, null, payload -> FormatMeta.decode(payload));
    }

    private void leases() throws IOException {
        for (FileStatus s : fs.list(layout.leaseDir())) {
            Path p = s.getPath();
            long epoch = DirLayout.parseLease(p.getName());
            if (epoch < 0) {
                problem(p, -1, "unknown file in the lease directory; a new writer refuses to start");
                continue;
            }
            single(p, RecordType.LEASE, true, "a writer died while creating its lease; it counts as an abandoned epoch",
                    payload -> {
                        LeaseRecord r = LeaseRecord.decode(payload);
                        return r.epoch() == epoch ? null : "the record is for writer epoch " + r.epoch();
                    });
        }
    }

    private interface PayloadCheck {
        /** Decodes the payload; returns null or a problem. */
        Object check(byte[] payload);
    }

    /** The file must hold exactly one frame of {@code type}. */
    private void single(Path p, RecordType type, boolean tornIsNote, String tornMeaning, PayloadCheck check)
            throws IOException {
        int[] count = new int[1];
        boolean[] damaged = new boolean[1];
        boolean read = scan(p, new FrameScan.Visitor() {
            @Override
            public void frame(Frame f) {
                if (count[0]++ > 0) {
                    problem(p, f.offset(), "unexpected " + f.type() + " record after the " + type + " record");
                    return;
                }
                if (f.type() != type) {
                    problem(p, f.offset(), "expected a " + type + " record, found " + f.type());
                    return;
                }
                try {
                    Object r = check.check(f.payload());
                    if (r instanceof String msg) {
                        problem(p, f.offset(), msg);
                    }
                } catch (MalformedPayloadException e) {
                    problem(p, f.offset(), e.getMessage());
                }
            }

            @Override
            public void damage(FrameScan.Damage d) {
                damaged[0] = true;
                if (tornIsNote && d.tornTail()) {
                    note(p, d.offset(), "torn tail of " + (len(p) - d.offset()) + " bytes: " + tornMeaning);
                } else {
                    problem(p, d.offset(), d.reason() + resumes(d));
                }
            }
        });
        if (read && count[0] == 0 && !damaged[0]) {
            problem(p, 0, "empty; expected one " + type + " record");
        }
    }

    private LogChain log() throws IOException {
        LogChain chain;
        try {
            chain = new LogChainReader(fs, layout).read();
        } catch (IOException | RuntimeException e) {
            problem(layout.logDir(), -1, "recovery cannot read the log chain: " + e.getMessage());
            chain = null;
        }
        Map<String, Long> trustedLength = new HashMap<>();
        if (chain != null) {
            List<String> segs = chain.segments();
            for (int i = 0; i + 1 < segs.size(); i++) {
                trustedLength.put(segs.get(i), RunInspection.header(fs, new Path(layout.logDir(), segs.get(i + 1)))
                        .previousTrustedLength());
            }
            if (!segs.isEmpty()) {
                trustedLength.put(chain.head(), chain.headValidLength());
            }
        }
        for (FileStatus s : fs.list(layout.logDir())) {
            Path p = s.getPath();
            long[] k = DirLayout.parseSegment(p.getName());
            if (k == null) {
                problem(p, -1, "unknown file in the log directory (not a segment name, or a number that does not"
                        + " fit); recovery refuses to run");
                continue;
            }
            // Damage inside what recovery trusts is a problem; after it (a torn tail of the head, bytes
            // past a sealed segment's trusted length, a segment off the chain) recovery ignores it.
            long limit = chain == null ? Long.MAX_VALUE : trustedLength.getOrDefault(p.getName(), 0L);
            segment(p, k[0], k[1], limit, chain != null && p.getName().equals(chain.head()));
            if (chain == null) {
                continue;
            }
            boolean onChain = trustedLength.containsKey(p.getName());
            long len = s.getLen();
            if (!onChain) {
                note(p, -1, "not on the log chain (a fenced-out writer's segment, or a head whose creation was torn);"
                        + " the next writer deletes it");
            } else if (!p.getName().equals(chain.head()) && len < limit) {
                problem(p, len, "the file is " + len + " bytes, shorter than its trusted length " + limit
                        + ": committed records were lost");
            } else if (!p.getName().equals(chain.head()) && len > limit) {
                note(p, limit, (len - limit) + " bytes past the trusted length, appended after the segment was"
                        + " sealed (by a crashed or fenced-out writer); recovery ignores them");
            }
        }
        return chain;
    }

    /** Record-level checks of one segment's valid frames, streamed. */
    private void segment(Path p, long epoch, long firstRound, long trustedLimit, boolean head) throws IOException {
        long[] expected = {-1};
        long[] end = {0};
        scan(p, new FrameScan.Visitor() {
            @Override
            public void frame(Frame f) {
                if (f.offset() != end[0]) {
                    expected[0] = -1; // a damaged stretch (reported) lies before this frame
                }
                end[0] = f.end();
                try {
                    if (f.offset() == 0) {
                        if (f.type() != RecordType.SEGMENT_HEADER) {
                            problem(p, 0, "expected a SEGMENT_HEADER record, found " + f.type());
                            return;
                        }
                        SegmentHeader h = SegmentHeader.decode(f.payload());
                        if (h.writerEpoch() != epoch || h.firstRound() != firstRound) {
                            problem(p, 0, "header says writer epoch " + h.writerEpoch() + ", first round "
                                    + h.firstRound() + ", unlike the file name");
                        }
                        expected[0] = firstRound;
                        return;
                    }
                    switch (f.type()) {
                        case ROUND_COMMIT -> {
                            RoundRecord r = RoundRecord.decode(f.payload());
                            if (expected[0] >= 0 && r.round() != expected[0] && f.offset() < trustedLimit) {
                                problem(p, f.offset(), "record of round " + r.round() + ", expected round "
                                        + expected[0]);
                            }
                            expected[0] = r.round() + 1;
                        }
                        case RECOVERY -> RecoveryEvent.decode(f.payload());
                        case LINEAGE -> io.txtrain.core.log.LineageChange.decode(f.payload());
                        case ROUND_STATE -> io.txtrain.core.log.RoundStateChunk.decode(f.payload());
                        default -> problem(p, f.offset(), "unexpected " + f.type() + " record in a log segment");
                    }
                } catch (MalformedPayloadException e) {
                    problem(p, f.offset(), e.getMessage());
                }
            }

            @Override
            public void damage(FrameScan.Damage d) {
                damageFound(p, d, trustedLimit, head ? "an unfinished record (a crash while appending);"
                        + " recovery ignores it" : null);
            }
        });
    }

    /**
     * Reports a damaged place: a problem inside {@code trustedLimit}, otherwise a note (recovery
     * ignores it); a torn tail with {@code tornMeaning} gets that explanation.
     */
    private void damageFound(Path p, FrameScan.Damage d, long trustedLimit, String tornMeaning) {
        String where = resumes(d);
        if (d.offset() < trustedLimit && !(trustedLimit == Long.MAX_VALUE && d.tornTail())) {
            problem(p, d.offset(), d.reason() + where);
        } else if (d.tornTail() && tornMeaning != null) {
            note(p, d.offset(), "torn tail of " + (len(p) - d.offset()) + " bytes: " + tornMeaning);
        } else {
            note(p, d.offset(), d.reason() + where + "; outside what recovery trusts, so it ignores it");
        }
    }

    private static String resumes(FrameScan.Damage d) {
        return d.resumedAt() >= 0 ? "; valid records resume at offset " + d.resumedAt() : "; no valid record follows";
    }

    private long len(Path p) {
        try {
            return fs.status(p).getLen();
        } catch (IOException e) {
            return -1;
        }
    }

    private void checkpoints(LogChain chain) throws IOException {
        RecoveryPlanner planner = new RecoveryPlanner(new LogChainReader(fs, layout), new CheckpointStore(fs, layout));
        for (FileStatus s : fs.list(layout.checkpointDir())) {
            String name = s.getPath().getName();
            long[] k = DirLayout.parseCheckpoint(name);
            if (k != null) { // a file, or a directory of an earlier writer (docs/PROTOCOL.md §4)
                checkpoint(planner, new CheckpointRef(k[0], k[1], s.getPath(), s.getModificationTime()), chain);
            } else if (DirLayout.isTmpCheckpoint(name)) {
                note(s.getPath(), -1, "unfinished checkpoint (a persist that crashed or failed before publishing);"
                        + " never trusted, the next writer deletes it");
            } else {
                problem(s.getPath(), -1, "unknown entry in the checkpoint directory (not a checkpoint name, or a"
                        + " number that does not fit); recovery refuses to run");
            }
        }
    }

    private void checkpoint(RecoveryPlanner planner, CheckpointRef ref, LogChain chain) throws IOException {
        Set<String> listed = new HashSet<>(List.of(DirLayout.MANIFEST));
        List<CheckpointDefect> defects = planner.defects(ref, chain);
        boolean directory = fs.status(ref.path()).isDirectory();
        for (FileStatus s : fs.list(ref.path())) { // a file lists as itself
            files++;
            bytes += s.getLen();
        }
        for (CheckpointDefect d : defects) {
            switch (d.kind()) {
                case DAMAGED, CHECKSUM_DIFFERS -> problem(d.file(), d.offset(), d.message()
                        + "; recovery does not trust this checkpoint");
                case NOT_IN_LOG -> note(d.file(), d.offset(), d.message() + "; recovery does not trust this checkpoint");
                default -> throw new IllegalStateException(d.kind().toString());
            }
        }
        if (!defects.isEmpty()) {
            return;
        }
        if (chain == null) {
            note(ref.path(), -1, "manifest and blobs verify; not checked against the log, which cannot be read");
            return;
        }
        trusted.add(ref.path().getName());
        VerifiedCheckpoint v = null;
        Manifest m = new CheckpointStore(fs, layout).readManifest(ref);
        m.entries().forEach(e -> listed.add(DirLayout.BLOB_PREFIX + e.name()));
        for (FileStatus s : directory ? fs.list(ref.path()) : new FileStatus[0]) {
            if (!listed.contains(s.getPath().getName())) {
                note(s.getPath(), -1, "not listed in the manifest; recovery ignores it");
            }
        }
        if (extra != null) {
            v = new CheckpointStore(fs, layout).load(ref);
            String why = extra.check(v);
            if (why != null) {
                problem(ref.path(), -1, why);
            }
        }
    }

    /** Whether recovery would succeed, asked of the recovery code itself; null if it would. */
    private String plan(LogChain chain) {
        try {
            RecoveryDirectory.inspect(fs, layout);
            return null;
        } catch (IOException | RuntimeException e) {
            if (chain != null) { // otherwise reported already
                problem(layout.root(), -1, "recovery would fail: " + e.getMessage());
            }
            return e.getMessage();
        }
    }

    /**
     * Streams a structured file through {@code visitor} with a fixed-size buffer. Returns false if it
     * cannot be read (reported).
     */
    private boolean scan(Path p, FrameScan.Visitor visitor) {
        try (FSDataInputStream in = fs.open(p)) {
            long len = fs.status(p).getLen();
            files++;
            bytes += len;
            FrameScan.scan(new FrameScanner(ByteSource.of(in, len), p.toString()), new FrameScan.Visitor() {
                @Override
                public void frame(Frame f) throws IOException {
                    frames++;
                    visitor.frame(f);
                }

                @Override
                public void damage(FrameScan.Damage d) throws IOException {
                    visitor.damage(d);
                }
            });
            return true;
        } catch (IOException | RuntimeException e) {
            problem(p, -1, "cannot be read: " + e.getMessage());
            return false;
        }
    }

    private void problem(Path p, long offset, String message) {
        findings.add(Finding.problem(p.toString(), offset, message));
    }

    private void note(Path p, long offset, String message) {
        findings.add(Finding.note(p.toString(), offset, message));
    }
}
