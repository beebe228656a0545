package io.txtrain.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.txtrain.core.inspect.CheckpointStatus;
import io.txtrain.core.inspect.RunInspection;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;

/**
 * What happened in a run, on one time axis: the committed rounds (from ROUND_COMMIT records),
 * the published checkpoints (from their manifests), the driver starts (from RECOVERY records) and
 * the failures. Rounds and starts whose log segments retention deleted come from the run's compact
 * history (downsampled in long runs); deleted checkpoints are not shown.
 */
record RunTimeline(List<RoundRecord> rounds, List<Checkpoint> checkpoints, List<Start> starts,
                   List<Interval> intervals, List<Notice> notices, List<HazardPoint> hazard,
                   Map<Long, String> checkpointReasons, long fromMillis, long toMillis) {

    /** An executor's notice that it is going away, from a round record's {@code monitor.notices}. */
    record Notice(long timeMillis, String executorId, String what, long recordedInRound) {
    }

    /** The health hazard factor and interval at a round's commit ({@code monitor.*} attributes). */
    record HazardPoint(long timeMillis, long round, double factor, String signal, double intervalSeconds) {
    }

    /** A published checkpoint. */
    record Checkpoint(long round, long writerEpoch, long createdMillis, long bytes, boolean trusted, String problem) {
    }

    /**
     * A driver start (RECOVERY record). {@code stoppedMillis} is the last commit before it, or -1:
     * the previous driver stopped (or crashed) between then and this start. {@code previousEpoch}
     * is the writer epoch of the start before it in the log, or -1.
     */
    record Start(RecoveryEvent event, long stoppedMillis, long firstCommitMillis, long previousEpoch) {
        boolean first() {
            return event.previousHolder().isEmpty();
        }

        boolean afterCrash() {
            return event.previousCrashed();
        }

        /** Writers that took the lease between the previous start and this one but never resumed. */
        long failedStarts() {
            return previousEpoch < 0 ? 0 : Math.max(0, event.writerEpoch() - previousEpoch - 1);
        }

        /** What this start did, in one line. */
        String summary() {
            RecoveryEvent e = event;
            String from = e.checkpointRound() < 0 ? "the initial state" : "checkpoint round " + e.checkpointRound();
            if (first()) {
                return e.nextRound() == 1 && e.replayedRounds() == 0 ? "first start at round 1"
                        : "start from " + from + ", " + e.replayedRounds() + " replayed, next round " + e.nextRound();
            }
            long failed = failedStarts();
            return (afterCrash() ? "RESTART AFTER CRASH" : "restart") + ": from " + from + ", "
                    + Text.plural(e.replayedRounds(), "round", "rounds") + " replayed, next round " + e.nextRound()
                    + (failed == 0 ? "" : "; " + (failed == 1 ? "writer epoch " + (e.writerEpoch() - 1)
                    : "writer epochs " + (previousEpoch + 1) + "-" + (e.writerEpoch() - 1))
                    + " took the lease but failed before resuming, so how writer epoch " + previousEpoch
                    + " ended is not recorded");
        }

        /** The writer this one replaced, or empty. */
        String previous() {
            if (first()) {
                return "";
            }
            return (afterCrash() ? "did not release: " : "released: ") + event.previousHolder();
        }

        String describe() {
            return summary() + (first() ? "" : "; previous writer " + previous());
        }
    }

    /**
     * A checkpoint and the time and rounds since the one before it, as its driver counted them:
     * after a restart, from the driver's start.
     */
    record Interval(long atMillis, long round, double seconds, long rounds) {
    }

    static RunTimeline of(RunInspection in) {
        return of(in, io.txtrain.core.log.RunHistory.Archive.EMPTY);
    }

    /**
     * With the archive of what retention deleted from the log (the run's compact history): its
     * rounds before the log's first, and its driver starts not in the log.
     */
    static RunTimeline of(RunInspection in, io.txtrain.core.log.RunHistory.Archive archive) {
        List<RoundRecord> logRounds = in.chain() == null ? List.of() : in.chain().rounds();
        long firstLogged = logRounds.isEmpty() ? Long.MAX_VALUE : logRounds.get(0).round();
        List<RoundRecord> rounds = new ArrayList<>();
        for (RoundRecord r : archive.rounds()) {
            if (r.round() < firstLogged) {
                rounds.add(r);
            }
        }
        rounds.addAll(logRounds);
        java.util.TreeMap<Long, RecoveryEvent> recoveries = new java.util.TreeMap<>();
        archive.starts().forEach(e -> recoveries.put(e.writerEpoch(), e));
        if (in.chain() != null) {
            in.chain().recoveries().forEach(e -> recoveries.put(e.writerEpoch(), e));
        }
        List<Checkpoint> cps = new ArrayList<>();
        for (CheckpointStatus c : in.checkpoints()) {
            cps.add(new Checkpoint(c.ref().round(), c.ref().writerEpoch(), c.createdMillis(), c.bytesOnDisk(),
                    c.trusted(), c.problem()));
        }
        cps.sort(Comparator.comparingLong(Checkpoint::createdMillis));
        List<Start> starts = new ArrayList<>();
        java.util.Map<Long, Long> startOfEpoch = new java.util.HashMap<>();
        {
            long previousEpoch = -1;
            for (RecoveryEvent e : recoveries.values()) {
                startOfEpoch.put(e.writerEpoch(), e.timeMillis());
                long stopped = -1;
                long first = -1;
                for (RoundRecord r : rounds) {
                    if (r.commitTimeMillis() <= e.timeMillis()) {
                        stopped = r.commitTimeMillis();
                    } else if (first < 0) {
                        first = r.commitTimeMillis();
                    }
                }
                starts.add(new Start(e, stopped, first, previousEpoch));
                previousEpoch = e.writerEpoch();
            }
        }
        List<Interval> intervals = new ArrayList<>();
        for (int i = 1; i < cps.size(); i++) {
            Checkpoint a = cps.get(i - 1);
            Checkpoint b = cps.get(i);
            if (b.round() > a.round()) {
                long since = a.createdMillis();
                Long start = startOfEpoch.get(b.writerEpoch());
                if (a.writerEpoch() != b.writerEpoch() && start != null && start > since) {
                    since = start; // a new driver counts from its start
                }
                intervals.add(new Interval(b.createdMillis(), b.round(), (b.createdMillis() - since) / 1000.0,
                        b.round() - a.round()));
            }
        }
        List<Notice> notices = new ArrayList<>();
        List<HazardPoint> hazard = new ArrayList<>();
        Map<Long, String> reasons = new TreeMap<>();
        for (RoundRecord r : rounds) {
            monitoring(r, notices, hazard, reasons);
        }
        long from = Long.MAX_VALUE;
        long to = Long.MIN_VALUE;
        for (RoundRecord r : rounds) {
            from = Math.min(from, r.commitTimeMillis());
            to = Math.max(to, r.commitTimeMillis());
        }
        for (Checkpoint c : cps) {
            from = Math.min(from, c.createdMillis());
            to = Math.max(to, c.createdMillis());
        }
        for (Start s : starts) {
            from = Math.min(from, s.event().timeMillis());
            to = Math.max(to, s.event().timeMillis());
        }
        if (from > to) {
            from = to = in.inspectedAtMillis();
        }
        return new RunTimeline(List.copyOf(rounds), List.copyOf(cps), List.copyOf(starts), List.copyOf(intervals),
                List.copyOf(notices), List.copyOf(hazard), Map.copyOf(reasons), from, to);
    }

    /** Reads the monitoring attributes of one record (docs/PROTOCOL.md §3.1); malformed entries are skipped. */
    private static void monitoring(RoundRecord r, List<Notice> notices, List<HazardPoint> hazard,
            Map<Long, String> reasons) {
        Map<String, String> a = r.attributes();
        for (String n : entries(a.get("monitor.notices"))) {
            int at = n.indexOf('@');
            int colon = n.indexOf(": ", Math.max(0, at));
            if (at > 0 && colon > at) {
                try {
                    notices.add(new Notice(Long.parseLong(n.substring(at + 1, colon)), n.substring(0, at),
                            n.substring(colon + 2), r.round()));
                } catch (NumberFormatException e) {
                    // not a notice this version wrote: skipped
                }
            }
        }
        for (String c : entries(a.get("monitor.checkpoints"))) {
            int colon = c.indexOf(": ");
            if (colon > 0) {
                try {
                    reasons.put(Long.parseLong(c.substring(0, colon)), c.substring(colon + 2));
                } catch (NumberFormatException e) {
                    // skipped, as above
                }
            }
        }
        String h = a.get("monitor.hazard");
        if (h != null) {
            try {
                String i = a.get("monitor.interval");
                hazard.add(new HazardPoint(r.commitTimeMillis(), r.round(), Double.parseDouble(h),
                        a.getOrDefault("monitor.signal", ""), i == null ? Double.NaN : Double.parseDouble(i)));
            } catch (NumberFormatException e) {
                // skipped, as above
            }
        }
    }

    private static List<String> entries(String v) {
        return v == null || v.isBlank() ? List.of() : List.of(v.split("; "));
    }

    /** Whether the run recorded any monitoring (it ran with the txtrain plugin). */
    boolean monitored() {
        return !hazard.isEmpty() || !notices.isEmpty();
    }

    long crashes() {
        return starts.stream().filter(Start::afterCrash).count();
    }
}
