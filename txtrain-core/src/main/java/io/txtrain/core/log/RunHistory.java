package io.txtrain.core.log;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;

/**
 * The compact history of a run (docs/PROTOCOL.md §7): before retention deletes a log segment, its
 * committed rounds and driver starts are archived in {@code history/}, so reports cover the whole
 * run. Bounded: at most {@link #MAX_FILES} files and, when they are merged, {@link #MAX_ROUNDS}
 * rounds (evenly downsampled; driver starts are all kept). Retention never deletes it.
 */
public final class RunHistory {
    static final int MAX_FILES = 8;
    static final int MAX_ROUNDS = 2048;
    private static final Pattern NAME = Pattern.compile("h-(\\d{19})-(\\d{19})");

    /** Archived rounds (oldest first) and driver starts. */
    public record Archive(List<RoundRecord> rounds, List<RecoveryEvent> starts) {
        public static final Archive EMPTY = new Archive(List.of(), List.of());
    }

    private RunHistory() {
    }

    /**
     * Archives the committed rounds (those before {@code nextFirstRound}) and driver starts of a
     * sealed segment that is about to be deleted, then merges the archive if it has too many files.
     * A frame that does not check ends the segment's reading (a torn tail is never committed).
     */
    public static void archive(DurableFs fs, DirLayout layout, Path segment, long nextFirstRound) throws IOException {
        List<RoundRecord> rounds = new ArrayList<>();
        List<RecoveryEvent> starts = new ArrayList<>();
        try (InputStream in = fs.open(segment)) {
            FrameReader r = new FrameReader(in, segment.toString(), fs.visibleLength(segment));
            while (true) {
                Frame f;
                try {
                    f = r.next();
                } catch (IOException e) {
                    break;
                }
                if (f == null) {
                    break;
                }
                if (f.type() == RecordType.ROUND_COMMIT) {
                    RoundRecord rec = RoundRecord.decode(f.payload());
                    if (rec.round() < nextFirstRound) {
                        rounds.add(rec);
                    }
                } else if (f.type() == RecordType.RECOVERY) {
                    starts.add(RecoveryEvent.decode(f.payload()));
                }
            }
        }
        if (rounds.isEmpty() && starts.isEmpty()) {
            return;
        }
        if (!fs.exists(layout.historyDir())) {
            fs.mkdir(layout.historyDir());
        }
        write(fs, layout, new Archive(rounds, starts));
        List<FileStatus> files = files(fs, layout);
        if (files.size() > MAX_FILES) {
            Archive all = read(fs, layout);
            Path merged = write(fs, layout, new Archive(downsample(all.rounds(), MAX_ROUNDS), all.starts()));
            for (FileStatus s : files) {
                if (!s.getPath().getName().equals(merged.getName())) {
                    fs.delete(s.getPath(), false);
                }
            }
        }
    }

    /** Everything archived, merged: rounds by number (oldest first), starts by writer epoch. */
    public static Archive read(DurableFs fs, DirLayout layout) throws IOException {
        if (!fs.exists(layout.historyDir())) {
            return Archive.EMPTY;
        }
        TreeMap<Long, RoundRecord> rounds = new TreeMap<>();
        TreeMap<Long, RecoveryEvent> starts = new TreeMap<>();
        for (FileStatus s : files(fs, layout)) {
            byte[] bytes = fs.readAll(s.getPath(), 64L << 20);
            FrameReader r = new FrameReader(new java.io.ByteArrayInputStream(bytes), s.getPath().toString(),
                    bytes.length);
            Frame f = r.expect(RecordType.HISTORY);
            PayloadReader p = new PayloadReader(f.payload());
            int n = p.i32();
            for (int i = 0; i < n; i++) {
                RoundRecord rec = RoundRecord.decode(p.bytes());
                rounds.put(rec.round(), rec);
            }
            int m = p.i32();
            for (int i = 0; i < m; i++) {
                RecoveryEvent e = RecoveryEvent.decode(p.bytes());
                starts.put(e.writerEpoch(), e);
            }
            p.end();
        }
        return new Archive(List.copyOf(rounds.values()), List.copyOf(starts.values()));
    }

    /** At most {@code max} rounds, evenly spaced, always with the first and the last. */
    static List<RoundRecord> downsample(List<RoundRecord> rounds, int max) {
        if (rounds.size() <= max) {
            return rounds;
        }
        List<RoundRecord> out = new ArrayList<>(max);
        for (int i = 0; i < max; i++) {
            out.add(rounds.get((int) ((long) i * (rounds.size() - 1) / (max - 1))));
        }
        return out;
    }

    private static Path write(DurableFs fs, DirLayout layout, Archive a) throws IOException {
        PayloadWriter w = new PayloadWriter().i32(a.rounds().size());
        for (RoundRecord r : a.rounds()) {
            w.bytes(r.encode());
        }
        w.i32(a.starts().size());
        for (RecoveryEvent e : a.starts()) {
            w.bytes(e.encode());
        }
        long first = a.rounds().isEmpty() ? 0 : a.rounds().get(0).round();
        long last = a.rounds().isEmpty() ? 0 : a.rounds().get(a.rounds().size() - 1).round();
        Path target = new Path(layout.historyDir(), String.format(Locale.ROOT, "h-%019d-%019d", first, last));
        if (fs.exists(target)) {
            fs.delete(target, false); // the same rounds archived again after a crash before the segment's deletion
        }
        fs.writeAtomically(target, FrameCodec.encode(RecordType.HISTORY, w.toBytes()));
        return target;
    }

    private static List<FileStatus> files(DurableFs fs, DirLayout layout) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        for (FileStatus s : fs.list(layout.historyDir())) {
            Matcher m = NAME.matcher(s.getPath().getName());
            if (m.matches()) {
                out.add(s);
            }
        }
        out.sort(Comparator.comparing(s -> s.getPath().getName()));
        return out;
    }
}
