package io.txtrain.campaign;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;

import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.log.LogChain;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.RecoveryDirectory;

/** One fault injected into one training run on its own directory, and the invariants checked after it. */
final class Trial {
    private final FaultKind kind;
    private final int number;
    private final HdfsProcess hdfs;
    private final Reference reference;
    private final Random random;
    private final File logDir;
    private int starts;
    private final int epochs;
    private final int hidden;
    private final URI dir;
    private final DirLayout layout;
    /** round → state checksum, as read from the log at each point the campaign looked. */
    private final Map<Long, String> seen = new TreeMap<>();
    private final List<String> errors = new ArrayList<>();
    private final java.util.Set<Long> lostRounds = new java.util.TreeSet<>();
    private long lost;
    private long corruptAccepted;
    private int resubmits;
    private String note = "";
    private String otherViolation;
    private String endedEarly;

    Trial(FaultKind kind, int number, HdfsProcess hdfs, Reference reference, long seed, File logDir, int epochs,
          int hidden) {
        this.kind = kind;
        this.number = number;
        this.hdfs = hdfs;
        this.reference = reference;
        this.random = new Random(seed);
        this.logDir = logDir;
        this.epochs = epochs;
        this.hidden = hidden;
        this.dir = hdfs.uri().resolve(String.format("/campaign/trial-%03d-%s", number, kind.name().toLowerCase()));
        this.layout = new DirLayout(new Path(dir));
    }

    Outcome run() throws Exception {
        String finalSha = switch (kind) {
            case DRIVER_KILL -> driverKill();
            case EXECUTOR_KILL -> executorKill();
            case DATANODE_STOP -> dataNodeStop();
            case NAMENODE_RESTART -> nameNodeRestart();
            case TORN_LOG_TAIL -> tornLogTail();
            case CHECKPOINT_FLIP -> checkpointFlip();
            case SEGMENT_FLIP -> segmentFlip();
            case HEAD_FLIP -> headFlip();
            case QUOTA -> quota();
            case TWO_JOBS -> twoLiveJobs();
            case STALLED_JOB -> stalledJobTakenOver();
        };
        boolean finished = finalSha != null;
        lost += lostRounds.size();
        Boolean equal = null;
        if (finished) {
            observe();
            LogChain chain = chain();
            equal = finalSha.equals(reference.finalSha());
            if (chain.lastRound() != reference.rounds()) {
                lost += Math.max(0, reference.rounds() - chain.lastRound());
            }
            for (RoundRecord r : chain.rounds()) {
                if (!r.stateChecksumHex().equals(reference.roundChecksums().get(r.round()))) {
                    corruptAccepted++;
                }
            }
        }
        String violation = null;
        if (lost > 0) {
            violation = lost + " committed round(s) lost";
        } else if (corruptAccepted > 0) {
            violation = corruptAccepted + " corrupt state(s) accepted";
        } else if (finished && !equal) {
            violation = "final checksum differs from the fault-free run";
        } else if (kind.expectFinish && !finished) {
            violation = "the run did not finish: " + errors;
        } else if (!kind.expectFinish && finished) {
            violation = "the run finished although its log was corrupt";
        } else if (otherViolation != null) {
            violation = otherViolation;
        }
        return new Outcome(kind, number, finished, resubmits, lost, corruptAccepted, equal,
                errors.isEmpty() ? null : errors.get(errors.size() - 1), note, violation);
    }

    // ---- the faults ----

    private String driverKill() throws Exception {
        long at = randomRound(2, 3);
        try (DriverRun d = start()) {
            if (!d.awaitRound(at)) {
                return ended(d);
            }
            boolean midPersist = random.nextBoolean() && awaitTemporaryCheckpoint(30_000);
            d.kill();
            note = "killed after round " + d.lastRound() + (midPersist ? ", during a checkpoint persist" : "");
        }
        observe();
        return resubmitToEnd(1);
    }

    private String executorKill() throws Exception {
        long at = randomRound(2, 3);
        try (DriverRun d = start()) {
            if (!d.awaitRound(at)) {
                return ended(d);
            }
            List<ProcessHandle> executors = d.executors();
            if (executors.isEmpty()) {
                throw new IllegalStateException("no executor JVM found under driver " + d.pid());
            }
            ProcessHandle victim = FileFaults.pick(random, executors);
            victim.destroyForcibly();
            note = "executor pid " + victim.pid() + " killed after round " + d.lastRound();
            return ended(d);
        }
    }

    private String dataNodeStop() throws Exception {
        long at = randomRound(2, 4);
        String result;
        try (DriverRun d = start()) {
            if (!d.awaitRound(at)) {
                return ended(d);
            }
            boolean during = awaitTemporaryCheckpoint(60_000);
            String stopped = hdfs.command("stop-datanode");
            boolean stillWriting = !temporaryCheckpoints().isEmpty();
            note = stopped.substring(3) + " after round " + d.lastRound()
                    + (during && stillWriting ? ", while a checkpoint persist was in flight" : ", between persists");
            result = ended(d);
        } finally {
            hdfs.command("restart-datanodes");
        }
        return result != null ? result : resubmitToEnd(2);
    }

    private String nameNodeRestart() throws Exception {
        long at = randomRound(2, 3);
        String result;
        try (DriverRun d = start()) {
            if (!d.awaitRound(at)) {
                return ended(d);
            }
            note = hdfs.command("restart-namenode").substring(3) + " (restarted after round " + d.lastRound() + ")";
            result = ended(d);
        }
        return result != null ? result : resubmitToEnd(2);
    }

    private String tornLogTail() throws Exception {
        long at = randomRound(2, 3);
        if (!startAndKillAfter(at)) {
            return endedEarly;
        }
        LogChain chain = observe();
        Path head = new Path(layout.logDir(), chain.head());
        byte[] tail;
        if (random.nextBoolean()) {
            // the start of the next round's frame, as a crash in the middle of the append leaves it
            RoundRecord last = chain.rounds().get(chain.rounds().size() - 1);
            byte[] frame = FrameCodec.encode(RecordType.ROUND_COMMIT, last.encode());
            tail = java.util.Arrays.copyOf(frame, 1 + random.nextInt(frame.length - 1));
            note = "killed after round " + last.round() + "; " + tail.length + " of " + frame.length
                    + " bytes of a frame appended";
        } else {
            tail = new byte[1 + random.nextInt(4096)];
            random.nextBytes(tail);
            note = "killed after round " + chain.lastRound() + "; " + tail.length + " random bytes appended";
        }
        FileFaults.appendAfterCrash((DistributedFileSystem) fs(), head, tail);
        return resubmitToEnd(1);
    }

    private String checkpointFlip() throws Exception {
        long at = randomRound(8, 3);
        if (!startAndKillAfter(at)) {
            return endedEarly;
        }
        LogChain before = observe();
        FileStatus newest = null;
        for (FileStatus s : fs().listStatus(layout.checkpointDir())) {
            if (DirLayout.parseCheckpoint(s.getPath().getName()) != null
                    && (newest == null || s.getPath().getName().compareTo(newest.getPath().getName()) > 0)) {
                newest = s;
            }
        }
        if (newest == null) {
            throw new IllegalStateException("no published checkpoint after round " + before.lastRound());
        }
        long flippedRound = DirLayout.parseCheckpoint(newest.getPath().getName())[0];
        FileStatus file = FileFaults.pick(random, FileFaults.files(fs(), newest.getPath()));
        long offset = (long) (random.nextDouble() * file.getLen());
        int bit = random.nextInt(8);
        FileFaults.flipByte(fs(), file.getPath(), offset, bit);
        note = "bit " + bit + " of byte " + offset + " of " + newest.getPath().getName()
                + (newest.isDirectory() ? "/" + file.getPath().getName() : "")
                + " (" + file.getLen() + " B)";
        String result = resubmitToEnd(1);
        for (RecoveryEvent e : chain().recoveries()) {
            if (e.writerEpoch() > before.maxEpoch() && e.writerEpoch() == before.maxEpoch() + 1) {
                if (e.checkpointRound() == flippedRound) {
                    corruptAccepted++;
                }
                note += "; resumed from " + (e.checkpointRound() < 0 ? "the initial state" : "round "
                        + e.checkpointRound()) + ", replayed " + e.replayedRounds();
            }
        }
        return result;
    }

    /** Seals a segment by a takeover (kill, restart, kill), then flips a bit inside its trusted range. */
    private String segmentFlip() throws Exception {
        long at = randomRound(2, 8);
        if (!startAndKillAfter(at)) {
            return endedEarly;
        }
        long sealedUpTo = observe().lastRound();
        resubmits++;
        if (!startAndKillAfter(sealedUpTo + 1)) {
            return endedEarly;
        }
        LogChain chain = observe();
        if (chain.segments().size() < 2) {
            throw new IllegalStateException("no sealed segment after the takeover at round " + sealedUpTo
                    + "; chain " + chain.segments());
        }
        int i = random.nextInt(chain.segments().size() - 1);
        String name = chain.segments().get(i);
        Path segment = new Path(layout.logDir(), name);
        long trusted = trustedLength(new Path(layout.logDir(), chain.segments().get(i + 1)));
        long offset = (long) (random.nextDouble() * trusted);
        int bit = random.nextInt(8);
        FileFaults.flipByte(fs(), segment, offset, bit);
        note = "bit " + bit + " of byte " + offset + " of sealed " + name + " (trusted length " + trusted + " B)";
        TreeMap<String, String> files = FileFaults.listing(fs(), new Path(dir), DirLayout.LEASE_DIR);
        String result;
        try (DriverRun d = start()) {
            d.awaitEnd();
            result = d.finalSha();
            if (d.error() != null) {
                errors.add(d.error());
                if (!d.error().contains(name)) {
                    otherViolation = "the error does not name the damaged segment " + name;
                }
            }
        }
        resubmits++;
        if (result == null && !files.equals(FileFaults.listing(fs(), new Path(dir), DirLayout.LEASE_DIR))) {
            lost++;
            note += "; the refused start changed the directory";
        }
        return result;
    }

    /**
     * Driver SIGKILL, then one bit flipped inside the head segment before its last record (among
     * records whose commits were acknowledged, with a valid record after the damage). A torn tail
     * would be dropped; this is corruption, so the resubmitted job must refuse to start, naming the
     * head segment, and leave the directory exactly as it was (lease files included).
     */
    private String headFlip() throws Exception {
        long at = randomRound(2, 3);
        if (!startAndKillAfter(at)) {
            return endedEarly;
        }
        LogChain chain = observe();
        String name = chain.head();
        Path head = new Path(layout.logDir(), name);
        FileFaults.recoverLease((DistributedFileSystem) fs(), head);
        byte[] bytes = FileFaults.readAll(fs(), head);
        List<io.txtrain.core.codec.Frame> frames = io.txtrain.core.inspect.FrameScan.of(bytes).frames();
        long lastStart = frames.get(frames.size() - 1).offset();
        long offset = (long) (random.nextDouble() * lastStart);
        int bit = random.nextInt(8);
        FileFaults.flipByte(fs(), head, offset, bit);
        note = "bit " + bit + " of byte " + offset + " of head " + name + " (" + bytes.length + " B, last record at "
                + lastStart + ", rounds to " + chain.lastRound() + ")";
        TreeMap<String, String> files = FileFaults.listing(fs(), new Path(dir), "-");
        String result;
        try (DriverRun d = start()) {
            d.awaitEnd();
            result = d.finalSha();
            if (d.error() != null) {
                errors.add(d.error());
                if (!d.error().contains(name)) {
                    otherViolation = "the error does not name the damaged head segment " + name;
                }
            }
        }
        resubmits++;
        if (result == null && !files.equals(FileFaults.listing(fs(), new Path(dir), "-"))) {
            lost++;
            note += "; the refused start changed the directory";
        }
        return result;
    }

    private String quota() throws Exception {
        long at = randomRound(2, 4);
        String path = new Path(dir).toUri().getPath();
        try (DriverRun d = start()) {
            if (!d.awaitRound(at)) {
                return ended(d);
            }
            long used = fs().getContentSummary(new Path(dir)).getSpaceConsumed();
            long quota = used + (long) (random.nextDouble() * (3L << 20));
            hdfs.command("quota " + path + " " + quota);
            note = "space quota " + quota + " B set after round " + d.lastRound() + " (" + used + " B used)";
            String result = ended(d);
            hdfs.command("clear-quota " + path);
            if (result != null) {
                note += "; the run finished within the quota";
                return result;
            }
        } finally {
            hdfs.command("clear-quota " + path);
        }
        note += "; quota lifted, resubmitted";
        observe();
        return resubmitToEnd(1);
    }

    /** A second job is let loose on the directory while the first is training. */
    private String twoLiveJobs() throws Exception {
        // early, so that the first job is still training when the second asks for the lease
        long at = 2 + random.nextInt(4);
        // one after the other: local-cluster names its executors' work folders after the second the
        // application started in, and two drivers started in the same second collide there
        try (DriverRun first = startGated(); DriverRun second = first.awaitStarted() ? startGated() : null) {
            if (second == null || !second.awaitStarted() || !open(first) || !first.awaitRound(at)) {
                if (second == null) {
                    return ended(first);
                }
                second.awaitEnd();
                return ended(first);
            }
            second.open();
            second.awaitEnd();
            resubmits++;
            String result = ended(first);
            if (second.finalSha() == null) {
                errors.add(second.error());
                note = "second job started after round " + at + " of the first: refused";
                return result;
            }
            // the second may only have run after the first released the finished directory
            RecoveryEvent last = chain().recoveries().get(chain().recoveries().size() - 1);
            if (result != null && last.previousCrashed() && first.error() == null) {
                corruptAccepted++;
                note = "both jobs wrote the directory";
            } else {
                note = result == null ? "the second job took over (the first's heartbeat was late); first stopped: "
                        + first.error() : "the second job ran after the first had finished";
            }
            return second.finalSha();
        }
    }

    /** The first job stops (SIGSTOP) past its lease timeout; a second takes over; the first continues. */
    private String stalledJobTakenOver() throws Exception {
        long at = randomRound(2, 8);
        // one after the other: local-cluster names its executors' work folders after the second the
        // application started in, and two drivers started in the same second collide there
        try (DriverRun first = startGated(); DriverRun second = first.awaitStarted() ? startGated() : null) {
            if (second == null || !second.awaitStarted() || !open(first) || !first.awaitRound(at)) {
                if (second == null) {
                    return ended(first);
                }
                second.awaitEnd();
                return ended(first);
            }
            first.signal("STOP");
            long stoppedAt = first.lastRound();
            Thread.sleep(3_000); // past spark.txtrain.lease.timeout = 2 s
            second.open();
            resubmits++;
            if (!second.awaitRound(stoppedAt + 2)) {
                first.signal("CONT");
                errors.add(second.error());
                note = "the second job ended before the first resumed";
                first.awaitEnd();
                return second.finalSha();
            }
            first.signal("CONT");
            first.awaitEnd();
            if (first.finalSha() != null) {
                corruptAccepted++;
                note = "the stalled first job was not fenced and finished too";
            } else {
                errors.add(first.error());
                note = "first job stopped (SIGSTOP) after round " + stoppedAt + ", second took over; first resumed"
                        + " at round " + second.lastRound() + " of the second and stopped";
            }
            return ended(second);
        }
    }

    // ---- helpers ----

    /** The trusted length of a segment's predecessor, from the segment's header frame. */
    private long trustedLength(Path successor) throws IOException {
        try (var in = fs().open(successor)) {
            return io.txtrain.core.log.SegmentHeader.decode(new io.txtrain.core.codec.FrameReader(in,
                    successor.toString(), fs().getFileStatus(successor).getLen()).expect(RecordType.SEGMENT_HEADER)
                    .payload()).previousTrustedLength();
        }
    }

    /**
     * Starts a driver and SIGKILLs it once round {@code round} is committed. False if the run ended
     * first; its final checksum (or null) is then in {@link #endedEarly}.
     */
    private boolean startAndKillAfter(long round) throws Exception {
        try (DriverRun d = start()) {
            if (!d.awaitRound(round)) {
                endedEarly = ended(d);
                return false;
            }
            d.kill();
            return true;
        }
    }

    private DriverRun start() throws IOException {
        return DriverRun.start(nextLog(), dir.toString(), epochs, hidden);
    }

    /** Each driver start logs to its own file. */
    private File nextLog() {
        return new File(logDir, String.format("trial-%03d-%s-start-%d.log", number, kind.name().toLowerCase(),
                ++starts));
    }

    private static boolean open(DriverRun d) throws IOException {
        d.open();
        return true;
    }

    private DriverRun startGated() throws IOException {
        return DriverRun.start(nextLog(), dir.toString(), epochs, hidden, "2", "gate");
    }

    /** Runs {@code d} to its end; returns the final checksum or null (recording the error). */
    private String ended(DriverRun d) throws InterruptedException {
        d.awaitEnd();
        if (d.error() != null) {
            errors.add(d.error());
        }
        return d.finalSha();
    }

    private String resubmitToEnd(int maxStarts) throws Exception {
        for (int i = 0; i < maxStarts; i++) {
            resubmits++;
            try (DriverRun d = start()) {
                String sha = ended(d);
                if (sha != null) {
                    return sha;
                }
            }
            observe();
        }
        return null;
    }

    /** A round between {@code from} and the run's last round minus {@code margin}. */
    private long randomRound(long from, long margin) {
        long to = Math.max(from, reference.rounds() - margin);
        return from + random.nextInt((int) (to - from + 1));
    }

    private boolean awaitTemporaryCheckpoint(long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (!temporaryCheckpoints().isEmpty()) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    private List<String> temporaryCheckpoints() throws IOException {
        List<String> out = new ArrayList<>();
        if (fs().exists(layout.checkpointDir())) {
            for (FileStatus s : fs().listStatus(layout.checkpointDir())) {
                if (DirLayout.isTmpCheckpoint(s.getPath().getName())) {
                    out.add(s.getPath().getName());
                }
            }
        }
        return out;
    }

    private FileSystem fs() throws IOException {
        return hdfs.fs();
    }

    private LogChain chain() throws IOException {
        return RecoveryDirectory.inspect(dir, hdfs.conf()).chain();
    }

    /** Reads the log; counts rounds seen earlier whose record is now missing or different. */
    private LogChain observe() throws IOException {
        LogChain chain = chain();
        Map<Long, String> now = new HashMap<>();
        for (RoundRecord r : chain.rounds()) {
            now.put(r.round(), r.stateChecksumHex());
        }
        long first = chain.rounds().isEmpty() ? Long.MAX_VALUE : chain.rounds().get(0).round();
        for (Map.Entry<Long, String> e : seen.entrySet()) {
            boolean truncatedByRetention = e.getKey() < first;
            if (e.getKey() > chain.lastRound() || (!truncatedByRetention && !e.getValue().equals(now.get(e.getKey())))) {
                lostRounds.add(e.getKey());
            }
        }
        seen.putAll(now);
        return chain;
    }
}
