package io.txtrain.core.log;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.codec.ByteSource;
import io.txtrain.core.codec.CorruptFrameException;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.FrameScanner;
import io.txtrain.core.codec.PayloadReader.MalformedPayloadException;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;

/**
 * Reads the trusted log chain. A torn tail of the head (an invalid frame with no valid frame
 * after it) is ignored; any other invalid frame inside a trusted range, a round gap or a foreign
 * file is a {@link CorruptLogException} naming the file and offset.
 */
public final class LogChainReader {
    private final DurableFs fs;
    private final DirLayout layout;

    public LogChainReader(DurableFs fs, DirLayout layout) {
        this.fs = fs;
        this.layout = layout;
    }

    public LogChain read() throws IOException {
        FileStatus[] files = fs.list(layout.logDir());
        long maxEpoch = 0;
        List<String> all = new ArrayList<>();
        for (FileStatus f : files) {
            String name = f.getPath().getName();
            long[] k = DirLayout.parseSegment(name);
            if (k == null) {
                throw new CorruptLogException("unknown file in the log directory: " + f.getPath());
            }
            all.add(name);
            maxEpoch = Math.max(maxEpoch, k[0]);
        }
        if (all.isEmpty()) {
            return LogChain.empty();
        }
        // The head is the newest segment (highest epoch, then first round) whose header is intact. A
        // newer one whose header frame is torn was being created when its writer died (takeover or
        // roll): nothing is committed in a segment before its header is durable, so it is an orphan.
        List<String> newestFirst = new ArrayList<>(all);
        newestFirst.sort(Comparator.comparing((String n) -> DirLayout.parseSegment(n)[0])
                .thenComparing(n -> DirLayout.parseSegment(n)[1]).reversed());
        String head = null;
        for (String candidate : newestFirst) {
            if (readHeaderOrNullIfTorn(candidate) != null) {
                head = candidate;
                break;
            }
        }
        if (head == null) {
            return new LogChain(List.of(), List.of(), List.of(), List.of(), 0, maxEpoch, List.copyOf(all));
        }
        // Walk back from the head, learning each predecessor's trusted length from its successor.
        Deque<String> chain = new ArrayDeque<>();
        Deque<Long> limits = new ArrayDeque<>();
        String current = head;
        long limit = -1;
        while (true) {
            chain.addFirst(current);
            limits.addFirst(limit);
            SegmentHeader h = readHeader(current);
            if (!h.hasPrevious() || !all.contains(h.previousSegment())) {
                break;
            }
            current = h.previousSegment();
            limit = h.previousTrustedLength();
        }
        List<String> orphans = new ArrayList<>(all);
        orphans.removeAll(chain);

        List<String> segments = new ArrayList<>(chain);
        List<Long> firstRounds = new ArrayList<>();
        Content c = new Content();
        long headValid = 0;
        List<Long> limitList = new ArrayList<>(limits);
        for (int i = 0; i < segments.size(); i++) {
            String seg = segments.get(i);
            long trusted = limitList.get(i);
            c.pending.clear(); // chunks whose round was never committed
            headValid = readSegment(seg, trusted, firstRounds, c);
        }
        return new LogChain(List.copyOf(segments), List.copyOf(firstRounds), List.copyOf(c.rounds),
                List.copyOf(c.recoveries), headValid, maxEpoch, List.copyOf(orphans), List.copyOf(c.lineage),
                Map.copyOf(c.images));
    }

    private SegmentHeader readHeader(String name) throws IOException {
        SegmentHeader h = readHeaderOrNullIfTorn(name);
        if (h == null) {
            throw new CorruptLogException("log segment " + new Path(layout.logDir(), name)
                    + " has no complete header, but a newer segment names it as its predecessor");
        }
        return h;
    }

    /** The segment's header, or null if the file ends inside it (a torn create); damage fails. */
    private SegmentHeader readHeaderOrNullIfTorn(String name) throws IOException {
        Path p = new Path(layout.logDir(), name);
        try (InputStream in = fs.open(p)) {
            Frame f = new FrameReader(in, p.toString(), fs.visibleLength(p)).expect(RecordType.SEGMENT_HEADER);
            return checkHeader(name, SegmentHeader.decode(f.payload()));
        } catch (CorruptFrameException e) {
            if (e.truncated() && e.offset() == 0 && !validFrameAfter(p, 0)) {
                return null; // the file ends inside its header: nothing was ever appended to it
            }
            throw new CorruptLogException("log segment header is damaged: " + e.getMessage(), e);
        } catch (MalformedPayloadException e) {
            throw new CorruptLogException("log segment header is damaged: " + e.getMessage(), e);
        }
    }

    private static SegmentHeader checkHeader(String name, SegmentHeader h) throws CorruptLogException {
        long[] k = DirLayout.parseSegment(name);
        if (k[0] != h.writerEpoch() || k[1] != h.firstRound()) {
            throw new CorruptLogException("log segment " + name + " has a header for epoch " + h.writerEpoch()
                    + " and first round " + h.firstRound());
        }
        return h;
    }

    /** Reads one segment; returns the length of its valid part. */
    private long readSegment(String name, long trusted, List<Long> firstRounds, Content c) throws IOException {
        List<RoundRecord> rounds = c.rounds;
        Path p = new Path(layout.logDir(), name);
        boolean isHead = trusted < 0;
        long limit = isHead ? fs.visibleLength(p) : trusted; // the head may still be open for writing
        long firstRound = DirLayout.parseSegment(name)[1];
        firstRounds.add(firstRound);
        long expected = rounds.isEmpty() ? firstRound : rounds.get(rounds.size() - 1).round() + 1;
        if (expected != firstRound) {
            throw new CorruptLogException("round gap: " + p + " starts at round " + firstRound
                    + " but the previous segment ends at round " + (expected - 1));
        }
        try (InputStream in = new BufferedInputStream(fs.open(p), 1 << 16)) {
            FrameReader reader = new FrameReader(new BoundedInput(in, limit), p.toString(), limit);
            Frame f;
            while (true) {
                long at = reader.position();
                try {
                    f = reader.next();
                } catch (CorruptFrameException e) {
                    if (isHead) {
                        return tornTailOrCorruption(p, limit, e);
                    }
                    throw new CorruptLogException("corruption inside a sealed log segment: " + e.getMessage(), e);
                }
                if (f == null) {
                    return reader.position();
                }
                try {
                    accept(p, f, at == 0, c);
                } catch (MalformedPayloadException e) {
                    throw new CorruptLogException(p + ": record at offset " + at + ": " + e.getMessage(), e);
                }
            }
        }
    }

    /**
     * The head's first invalid frame ends its valid prefix only if nothing valid follows it: a
     * damaged suffix is what a crash mid-append leaves. A valid frame after it means damage in the
     * middle of acknowledged records, which is corruption (docs/PROTOCOL.md §3.2).
     */
    private long tornTailOrCorruption(Path p, long limit, CorruptFrameException e) throws IOException {
        long next = nextValidFrame(p, limit, e.offset() + 1);
        if (next >= 0) {
            throw new CorruptLogException("corruption inside the head log segment: " + e.getMessage()
                    + "; a valid record follows at offset " + next + ", so this is not a torn tail", e);
        }
        return e.offset();
    }

    private boolean validFrameAfter(Path p, long offset) throws IOException {
        return nextValidFrame(p, fs.visibleLength(p), offset + 1) >= 0;
    }

    private long nextValidFrame(Path p, long limit, long from) throws IOException {
        try (FSDataInputStream in = fs.open(p)) {
            return new FrameScanner(ByteSource.of(in, limit), p.toString()).nextValidFrame(from);
        }
    }

    private static void accept(Path p, Frame f, boolean first, Content c) throws CorruptLogException {
        List<RoundRecord> rounds = c.rounds;
        if (first != (f.type() == RecordType.SEGMENT_HEADER)) {
            throw new CorruptLogException(p + ": unexpected " + f.type() + " record at offset " + f.offset());
        }
        switch (f.type()) {
            case SEGMENT_HEADER -> { }
            case ROUND_COMMIT -> {
                RoundRecord r = RoundRecord.decode(f.payload());
                long expected = rounds.isEmpty() ? r.round() : rounds.get(rounds.size() - 1).round() + 1;
                if (r.round() != expected) {
                    throw new CorruptLogException(p + ": record at offset " + f.offset() + " is round " + r.round()
                            + ", expected round " + expected);
                }
                rounds.add(r);
                c.committed(r.round());
            }
            case RECOVERY -> c.recoveries.add(RecoveryEvent.decode(f.payload()));
            case ROUND_STATE -> c.pending.add(RoundStateChunk.decode(f.payload()));
            case LINEAGE -> c.lineage(p, f, LineageChange.decode(f.payload()));
            default -> throw new CorruptLogException(p + ": unexpected " + f.type() + " record at offset " + f.offset());
        }
    }

    /** What the chain's segments hold, read in order. */
    private static final class Content {
        final List<RoundRecord> rounds = new ArrayList<>();
        final List<RecoveryEvent> recoveries = new ArrayList<>();
        final List<LineageChange> lineage = new ArrayList<>();
        final Map<Long, byte[]> images = new HashMap<>();
        /** State chunks read since the last commit; they belong to the next committed round. */
        final List<RoundStateChunk> pending = new ArrayList<>();

        /** Attaches the pending image to round r if it is complete; r's image supersedes r-1's within an epoch. */
        void committed(long r) {
            List<RoundStateChunk> mine = new ArrayList<>();
            for (RoundStateChunk k : pending) {
                if (k.round() == r) {
                    mine.add(k);
                }
            }
            pending.clear();
            if (mine.isEmpty() || mine.size() != mine.get(0).count()) {
                return;
            }
            mine.sort(Comparator.comparingInt(RoundStateChunk::index));
            int total = 0;
            for (int i = 0; i < mine.size(); i++) {
                if (mine.get(i).index() != i) {
                    return;
                }
                total += mine.get(i).data().length;
            }
            byte[] image = new byte[total];
            int at = 0;
            for (RoundStateChunk k : mine) {
                System.arraycopy(k.data(), 0, image, at, k.data().length);
                at += k.data().length;
            }
            RoundRecord prev = rounds.size() >= 2 ? rounds.get(rounds.size() - 2) : null;
            if (prev != null && prev.splitIndex() != prev.splitCount() - 1) {
                images.remove(r - 1); // superseded, except at the end of an epoch, where a trainer returns to its caller
            }
            images.put(r, image);
        }

        /** From now on, the round carries the change's new checksum and environment. */
        void lineage(Path p, Frame f, LineageChange change) throws CorruptLogException {
            lineage.add(change);
            if (rounds.isEmpty() || change.round() < rounds.get(0).round()) {
                return; // that round's segment was truncated: a checkpoint covers it
            }
            long last = rounds.get(rounds.size() - 1).round();
            if (change.round() > last) {
                throw new CorruptLogException(p + ": lineage record at offset " + f.offset() + " is for round "
                        + change.round() + ", which is not committed (last committed round " + last + ")");
            }
            int i = (int) (change.round() - rounds.get(0).round());
            RoundRecord r = rounds.get(i);
            if (!java.util.Arrays.equals(r.stateChecksum(), change.oldChecksum())) {
                throw new CorruptLogException(p + ": lineage record at offset " + f.offset() + " changes round "
                        + change.round() + " from checksum " + change.oldChecksumHex() + ", but the round's checksum is "
                        + r.stateChecksumHex());
            }
            Map<String, String> attrs = new HashMap<>(r.attributes());
            attrs.put(RoundRecord.ENVIRONMENT, change.newEnvironment());
            rounds.set(i, new RoundRecord(r.round(), r.trainingEpoch(), r.splitIndex(), r.splitCount(), r.seeds(),
                    r.hyperparameters(), r.dataFingerprint(), r.exampleCount(), r.score(), change.newChecksum(),
                    r.commitTimeMillis(), attrs));
        }
    }

    /** Never reads past the trusted length. */
    private static final class BoundedInput extends InputStream {
        private final InputStream in;
        private long left;

        BoundedInput(InputStream in, long limit) {
            this.in = in;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            if (left <= 0) {
                return -1;
            }
            int b = in.read();
            if (b >= 0) {
                left--;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
