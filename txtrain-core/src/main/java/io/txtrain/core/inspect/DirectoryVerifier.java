package io.txtrain.core.inspect;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.checkpoint.Manifest;
import io.txtrain.core.checkpoint.VerifiedCheckpoint;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameCodec;
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
import io.txtrain.core.recovery.RecoveryPlanner;

/**
 * Checks a whole checkpoint directory against docs/PROTOCOL.md: every frame of every file (log
 * segments on and off the chain, to their ends, past trusted lengths too), every published
 * checkpoint's manifest and blobs, FORMAT and the lease files; then whether recovery would succeed.
 * A crash artifact that recovery handles by design (a torn tail, an unfinished checkpoint, an
 * orphan segment) is a note; anything else that does not verify is a problem with its file and offset.
 */
public final class DirectoryVerifier {
    /** A further check of a checkpoint whose blobs all verified, such as the trainer's state checksum. */
    public interface CheckpointCheck {
        /** @return null if the checkpoint is sound, otherwise what is wrong */
        String check(VerifiedCheckpoint checkpoint);
    }

    /** What was checked and what was found. */
    public record Result(List<Finding> findings, int files, long frames, long bytes) {
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
    private final Map<String, SegmentHeader> headers = new HashMap<>();
    private int files;
    private long frames;
    private long bytes;

    private DirectoryVerifier(DurableFs fs, DirLayout layout, CheckpointCheck extra) {
        this.fs = fs;
        this.layout = layout;
        this.extra = extra;
    }

    /** @param extra a further check of each verified checkpoint, or null */
    public static Result verify(DurableFs fs, DirLayout layout, CheckpointCheck extra) throws IOException {
        DirectoryVerifier v = new DirectoryVerifier(fs, layout, extra);
        v.topLevel();
        v.format();
        v.leases();
        LogChain chain = v.log();
        v.checkpoints(chain);
        v.plan(chain);
        return new Result(List.copyOf(v.findings), v.files, v.frames, v.bytes);
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
        FrameScan scan = scan(p, false, null);
        if (scan == null) {
            return;
        }
        single(p, scan, RecordType.META, payload -> FormatMeta.decode(payload));
    }

    private void leases() throws IOException {
        for (FileStatus s : fs.list(layout.leaseDir())) {
            Path p = s.getPath();
            long epoch = DirLayout.parseLease(p.getName());
            if (epoch < 0) {
                problem(p, -1, "unknown file in the lease directory; a new writer refuses to start");
                continue;
            }
            FrameScan scan = scan(p, true, "a writer died while creating its lease; it counts as an abandoned epoch");
            if (scan == null) {
                continue;
            }
            single(p, scan, RecordType.LEASE, payload -> {
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
    private void single(Path p, FrameScan scan, RecordType type, PayloadCheck check) {
        List<Frame> fr = scan.frames();
        if (fr.isEmpty()) {
            if (scan.damage().isEmpty()) {
                problem(p, 0, "empty; expected one " + type + " record");
            }
            return;
        }
        Frame first = fr.get(0);
        if (first.type() != type) {
            problem(p, first.offset(), "expected a " + type + " record, found " + first.type());
            return;
        }
        try {
            Object r = check.check(first.payload());
            if (r instanceof String msg) {
                problem(p, first.offset(), msg);
            }
        } catch (MalformedPayloadException e) {
            problem(p, first.offset(), e.getMessage());
        }
        for (Frame f : fr.subList(1, fr.size())) {
            problem(p, f.offset(), "unexpected " + f.type() + " record after the " + type + " record");
        }
    }

    private LogChain log() throws IOException {
        for (FileStatus s : fs.list(layout.logDir())) {
            Path p = s.getPath();
            long[] k = DirLayout.parseSegment(p.getName());
            if (k == null) {
                problem(p, -1, "unknown file in the log directory; recovery refuses to run");
                continue;
            }
            FrameScan scan = scan(p, true, "an unfinished record (a crash while appending); recovery ignores it");
            if (scan != null) {
                segment(p, k[0], k[1], scan);
            }
        }
        LogChain chain;
        try {
            chain = new LogChainReader(fs, layout).read();
        } catch (IOException | RuntimeException e) {
            problem(layout.logDir(), -1, "recovery cannot read the log chain: " + e.getMessage());
            return null;
        }
        List<String> segs = chain.segments();
        for (int i = 0; i + 1 < segs.size(); i++) {
            SegmentHeader next = headers.get(segs.get(i + 1));
            Path p = new Path(layout.logDir(), segs.get(i));
            long len = fs.status(p).getLen();
            if (next == null) {
                continue;
            }
            long trusted = next.previousTrustedLength();
            if (len < trusted) {
                problem(p, len, "the file is " + len + " bytes, shorter than its trusted length " + trusted
                        + ": committed records were lost");
            } else if (len > trusted) {
                note(p, trusted, (len - trusted) + " bytes past the trusted length, appended after the segment was"
                        + " sealed (by a crashed or fenced-out writer); recovery ignores them");
            }
        }
        for (String orphan : chain.orphans()) {
            note(new Path(layout.logDir(), orphan), -1, "not on the log chain (a fenced-out writer's segment, or a"
                    + " head whose creation was torn); the next writer deletes it");
        }
        return chain;
    }

    /** Record-level checks of one segment's valid frames. */
    private void segment(Path p, long epoch, long firstRound, FrameScan scan) {
        long expected = -1;
        long end = 0;
        for (Frame f : scan.frames()) {
            if (f.offset() != end) {
                expected = -1; // a damaged stretch (reported) lies before this frame
            }
            end = f.end();
            try {
                if (f.offset() == 0) {
                    if (f.type() != RecordType.SEGMENT_HEADER) {
                        problem(p, 0, "expected a SEGMENT_HEADER record, found " + f.type());
                        continue;
                    }
                    SegmentHeader h = SegmentHeader.decode(f.payload());
                    headers.put(p.getName(), h);
                    if (h.writerEpoch() != epoch || h.firstRound() != firstRound) {
                        problem(p, 0, "header says writer epoch " + h.writerEpoch() + ", first round "
                                + h.firstRound() + ", unlike the file name");
                    }
                    expected = firstRound;
                    continue;
                }
                switch (f.type()) {
                    case ROUND_COMMIT -> {
                        RoundRecord r = RoundRecord.decode(f.payload());
                        if (expected >= 0 && r.round() != expected) {
                            problem(p, f.offset(), "record of round " + r.round() + ", expected round " + expected);
                        }
                        expected = r.round() + 1;
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
    }

    private void checkpoints(LogChain chain) throws IOException {
        for (FileStatus s : fs.list(layout.checkpointDir())) {
            String name = s.getPath().getName();
            long[] k = DirLayout.parseCheckpoint(name);
            if (k != null && s.isDirectory()) {
                checkpoint(new CheckpointRef(k[0], k[1], s.getPath(), s.getModificationTime()), chain);
            } else if (DirLayout.isTmpCheckpoint(name)) {
                note(s.getPath(), -1, "unfinished checkpoint (a persist that crashed or failed before publishing);"
                        + " never trusted, the next writer deletes it");
            } else {
                problem(s.getPath(), -1, "unknown entry in the checkpoint directory; recovery refuses to run");
            }
        }
    }

    private void checkpoint(CheckpointRef ref, LogChain chain) throws IOException {
        Path mp = new Path(ref.path(), DirLayout.MANIFEST);
        Map<String, FileStatus> present = new LinkedHashMap<>();
        for (FileStatus s : fs.list(ref.path())) {
            present.put(s.getPath().getName(), s);
        }
        if (!present.containsKey(DirLayout.MANIFEST)) {
            problem(mp, -1, "missing; the checkpoint cannot be trusted");
            return;
        }
        FrameScan scan = scan(mp, false, null);
        if (scan == null) {
            return;
        }
        Manifest[] manifest = new Manifest[1];
        int before = findings.size();
        single(mp, scan, RecordType.MANIFEST, payload -> {
            Manifest m = Manifest.decode(payload);
            manifest[0] = m;
            return m.round() == ref.round() && m.writerEpoch() == ref.writerEpoch() ? null
                    : "the manifest is for round " + m.round() + ", writer epoch " + m.writerEpoch()
                    + ", not the directory's";
        });
        Manifest m = manifest[0];
        if (m == null) {
            return;
        }
        boolean sound = findings.size() == before && scan.damage().isEmpty();
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        Set<String> listed = new HashSet<>(List.of(DirLayout.MANIFEST));
        for (Manifest.Entry e : m.entries()) {
            String file = DirLayout.BLOB_PREFIX + e.name();
            listed.add(file);
            Path bp = new Path(ref.path(), file);
            FileStatus st = present.get(file);
            if (st == null) {
                problem(bp, -1, "missing; the manifest lists it with " + e.length() + " bytes");
                sound = false;
                continue;
            }
            if (st.getLen() != e.length()) {
                problem(bp, Math.min(st.getLen(), e.length()), "the file is " + st.getLen()
                        + " bytes, the manifest says " + e.length());
                sound = false;
                continue;
            }
            byte[] b = read(bp);
            if (b == null) {
                sound = false;
                continue;
            }
            int crc = FrameCodec.crc32c(b);
            if (crc != e.crc32c()) {
                problem(bp, -1, "CRC32C of bytes 0-" + Math.max(0, b.length - 1) + " (the whole blob) is "
                        + hex(crc) + ", the manifest says " + hex(e.crc32c()) + ": the blob is damaged");
                sound = false;
                continue;
            }
            blobs.put(e.name(), b);
        }
        for (String name : present.keySet()) {
            if (!listed.contains(name)) {
                problem(present.get(name).getPath(), -1, "not listed in the manifest");
                sound = false;
            }
        }
        if (!sound) {
            return;
        }
        if (chain != null && ref.round() > 0) {
            RoundRecord rec = chain.round(ref.round());
            if (rec == null && ref.round() > chain.lastRound()) {
                note(ref.path(), -1, "round " + ref.round() + " is not committed in the log: the checkpoint of a"
                        + " fenced-out writer, which recovery never trusts");
            } else if (rec == null) {
                note(ref.path(), -1, "the log no longer holds round " + ref.round()
                        + "; recovery does not trust this checkpoint");
            } else if (!Arrays.equals(rec.stateChecksum(), m.stateChecksum())) {
                problem(mp, -1, "state checksum " + m.stateChecksumHex() + " differs from the committed round's "
                        + rec.stateChecksumHex());
                return;
            }
        }
        if (extra != null) {
            String why = extra.check(new VerifiedCheckpoint(ref, m, blobs));
            if (why != null) {
                problem(ref.path(), -1, why);
            }
        }
    }

    private void plan(LogChain chain) {
        if (chain == null) {
            return; // already reported
        }
        try {
            new RecoveryPlanner(new LogChainReader(fs, layout), new CheckpointStore(fs, layout)).plan();
        } catch (IOException | RuntimeException e) {
            problem(layout.root(), -1, "recovery would fail: " + e.getMessage());
        }
    }

    /**
     * Reads and scans a structured file, reporting each damaged place. With {@code tornIsNote}, a
     * torn tail is a note (a crash artifact recovery ignores) rather than a problem.
     */
    private FrameScan scan(Path p, boolean tornIsNote, String tornMeaning) {
        byte[] b = read(p);
        if (b == null) {
            return null;
        }
        FrameScan scan = FrameScan.of(b);
        frames += scan.frames().size();
        for (FrameScan.Damage d : scan.damage()) {
            if (d.tornTail() && tornIsNote) {
                note(p, d.offset(), "torn tail of " + (scan.length() - d.offset()) + " bytes: " + tornMeaning);
            } else {
                problem(p, d.offset(), d.reason() + (d.resumedAt() >= 0
                        ? "; valid records resume at offset " + d.resumedAt()
                        : "; no valid record follows (" + (scan.length() - d.offset()) + " bytes)"));
            }
        }
        return scan;
    }

    private byte[] read(Path p) {
        try {
            byte[] b = fs.readAll(p, Integer.MAX_VALUE - 8);
            files++;
            bytes += b.length;
            return b;
        } catch (IOException | RuntimeException e) {
            problem(p, -1, "cannot be read: " + e.getMessage());
            return null;
        }
    }

    private static String hex(int crc) {
        return String.format("%08x", crc);
    }

    private void problem(Path p, long offset, String message) {
        findings.add(Finding.problem(p.toString(), offset, message));
    }

    private void note(Path p, long offset, String message) {
        findings.add(Finding.note(p.toString(), offset, message));
    }
}
