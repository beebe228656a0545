package io.txtrain.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.inspect.CheckpointStatus;
import io.txtrain.core.inspect.LeaseInfo;
import io.txtrain.core.inspect.RunInspection;
import io.txtrain.core.inspect.SegmentInfo;
import io.txtrain.core.lease.LeaseRecord;
import io.txtrain.core.lease.LeaseSettings;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;

/** {@code txtrain inspect DIR}: the state of a checkpoint directory, for people. */
final class InspectCommand implements Command {
    /** Recoveries listed; older ones are counted. */
    static final int RECENT = 10;
    private static final Duration LEASE_TIMEOUT = LeaseSettings.DEFAULTS.timeout();

    @Override
    public String name() {
        return "inspect";
    }

    @Override
    public String summary() {
        return "committed round, checkpoints, log segments, writer lease, recoveries and failures";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: txtrain inspect DIR",
                "",
                "Shows the state of a txtrain checkpoint directory without changing it (no lease is taken):",
                "the committed round and epoch and where a restarted driver would resume; the published",
                "checkpoints with size, age and whether recovery trusts them; the log segments with sizes and",
                "first rounds; the writer lease (holder, epoch, heartbeat age, released or not); the recent",
                "driver starts from the log's RECOVERY records; and failures (crashed drivers, rejected or",
                "unfinished checkpoints, orphan segments, torn log tails).",
                "",
                "DIR is a local path or a URI (hdfs://namenode/path, file:///path).",
                "Exit codes: 0 the directory is recoverable, 1 recovery would fail, 2 usage error.");
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of();
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        RunDirectory dir = RunDirectory.open(args.directory(), new Configuration());
        out.println("txtrain checkpoint directory " + dir.root());
        if (dir.empty()) {
            out.println("empty: no run has started here (a trainer would start fresh at round 1)");
            return OK;
        }
        RunInspection in = dir.inspect();
        long now = in.inspectedAtMillis();
        summary(in, now, out);
        checkpoints(in, now, out);
        segments(in, out);
        lease(in, now, out);
        recoveries(in, out);
        lineage(in, out);
        failures(in, out);
        return in.planError() == null && in.formatError() == null ? OK : PROBLEM;
    }

    private static void summary(RunInspection in, long now, PrintStream out) {
        if (in.format() != null) {
            String kind = in.attribute("model.kind");
            String workers = in.attribute("averaging.workers");
            out.println("run:        created " + Text.time(in.format().createdMillis()) + " ("
                    + Text.ago(in.format().createdMillis(), now) + ")"
                    + (kind == null ? "" : "; model " + kind) + (workers == null ? "" : ", " + workers + " workers"));
        } else if (in.formatError() != null) {
            out.println("run:        FORMAT cannot be read: " + in.formatError());
        } else {
            out.println("run:        FORMAT is missing");
        }
        RoundRecord last = in.lastRound();
        if (in.chain() == null) {
            out.println("committed:  unknown; the log cannot be read: " + in.chainError());
        } else if (last == null) {
            out.println("committed:  no round yet" + (in.chain().lastRound() > 0
                    ? " in the log (it continues after round " + in.chain().lastRound() + ")" : ""));
        } else {
            out.printf(Locale.ROOT, "committed:  round %d (training epoch %d, split %d/%d) at %s (%s), loss %.5f%n",
                    last.round(), last.trainingEpoch() + 1, last.splitIndex() + 1, last.splitCount(),
                    Text.time(last.commitTimeMillis()), Text.ago(last.commitTimeMillis(), now), last.score());
        }
        if (in.plan() != null) {
            var plan = in.plan();
            out.println("resume:     " + (plan.start() == null ? "from the initial state"
                    : "from the checkpoint of round " + plan.startRound()) + ", "
                    + Text.plural(plan.replay().size(), "round", "rounds") + " to replay; next round "
                    + plan.nextRound());
        } else {
            out.println("resume:     RECOVERY WOULD FAIL: " + in.planError());
        }
    }

    private static void checkpoints(RunInspection in, long now, PrintStream out) {
        out.println();
        out.println("checkpoints: " + in.checkpoints().size() + " published"
                + (in.unfinished().isEmpty() ? "" : ", " + in.unfinished().size() + " unfinished"));
        if (!in.checkpoints().isEmpty()) {
            out.printf(Locale.ROOT, "  %6s  %5s  %6s  %-19s  %9s  %9s  %s%n", "ROUND", "EPOCH", "WRITER", "CREATED",
                    "AGE", "SIZE", "STATUS");
        }
        for (CheckpointStatus c : in.checkpoints()) {
            String status = c.trusted() ? "trusted" + (c.resumePoint() ? ", resume point" : "")
                    : "REJECTED: " + c.problem();
            RoundRecord rec = in.chain() == null ? null : in.chain().round(c.ref().round());
            out.printf(Locale.ROOT, "  %6d  %5s  %6d  %-19s  %9s  %9s  %s%n", c.ref().round(),
                    rec == null ? "-" : Integer.toString(rec.trainingEpoch() + 1), c.ref().writerEpoch(),
                    Text.time(c.createdMillis()), Text.duration(now - c.createdMillis()), Text.bytes(c.bytesOnDisk()),
                    status);
        }
        for (String u : in.unfinished()) {
            out.println("  unfinished " + u);
        }
    }

    private static void segments(RunInspection in, PrintStream out) {
        out.println();
        long orphans = in.segments().stream().filter(s -> s.role() == SegmentInfo.Role.ORPHAN).count();
        out.println("log segments: " + in.segments().size() + (orphans == 0 ? "" : ", " + orphans + " off the chain"));
        if (!in.segments().isEmpty()) {
            out.printf(Locale.ROOT, "  %-38s  %9s  %11s  %s%n", "NAME", "SIZE", "FIRST ROUND", "ROLE");
        }
        for (SegmentInfo s : in.segments()) {
            String role = s.role() == null ? "unknown (the chain cannot be read)" : switch (s.role()) {
                case HEAD -> "head, " + s.validLength() + " bytes valid";
                case SEALED -> "sealed, " + s.trustedLength() + " bytes trusted";
                case ORPHAN -> "off the chain (fenced-out writer); deleted by the next writer";
            };
            if (s.ignoredBytes() > 0) {
                role += ", " + s.ignoredBytes() + " bytes ignored";
            }
            out.printf(Locale.ROOT, "  %-38s  %9s  %11d  %s%n", s.name(), Text.bytes(s.bytes()), s.firstRound(), role);
        }
    }

    private static void lease(RunInspection in, long now, PrintStream out) {
        out.println();
        LeaseInfo l = in.currentLease();
        if (l == null) {
            out.println("writer lease: none");
            return;
        }
        if (l.record() == null) {
            out.println("writer lease: epoch " + l.epoch() + ", unreadable (" + l.error()
                    + "); a writer died while creating it");
            return;
        }
        LeaseRecord r = l.record();
        out.println("writer lease: epoch " + r.epoch() + ", pid " + r.pid() + " on " + r.host()
                + (r.application().isEmpty() ? "" : " (" + r.application() + ")") + ", acquired "
                + Text.time(r.acquiredMillis()));
        String state = switch (l.state(now, LEASE_TIMEOUT)) {
            case RELEASED -> "released (clean shutdown)";
            case LIVE -> "LIVE: last heartbeat " + Text.ago(l.modifiedMillis(), now) + "; a second writer is refused";
            case TIMED_OUT -> "not released, stale: last heartbeat " + Text.ago(l.modifiedMillis(), now)
                    + " (timeout " + LEASE_TIMEOUT.toSeconds() + " s by default); the holder crashed or hangs";
            case HOLDER_GONE -> "not released, stale: the holder process no longer exists (it crashed);"
                    + " last heartbeat " + Text.ago(l.modifiedMillis(), now);
            case UNREADABLE -> "unreadable";
        };
        out.println("              " + state);
    }

    private static void recoveries(RunInspection in, PrintStream out) {
        if (in.chain() == null) {
            return;
        }
        out.println();
        List<RunTimeline.Start> all = RunTimeline.of(in).starts();
        out.println("driver starts: " + all.size() + " in the log" + (all.size() > RECENT
                ? ", the last " + RECENT + " shown" : ""));
        for (RunTimeline.Start s : all.subList(Math.max(0, all.size() - RECENT), all.size())) {
            out.println("  " + Text.time(s.event().timeMillis()) + "  epoch " + s.event().writerEpoch() + "  "
                    + s.describe());
        }
    }

    private static void lineage(RunInspection in, PrintStream out) {
        if (in.chain() == null) {
            return;
        }
        String env = Lineages.currentEnvironment(in.chain());
        List<Lineages.Group> groups = Lineages.of(in.chain());
        out.println();
        out.println("environment: " + (env == null ? "not recorded in the log" : env));
        out.println("lineage: " + (groups.isEmpty() ? "one (no round's result was ever replaced)"
                : Text.plural(groups.size(), "change", "changes")));
        for (Lineages.Group g : groups) {
            out.println("  " + Text.time(g.timeMillis()) + "  " + g.summary());
            for (String d : g.details()) {
                out.println("      " + d);
            }
        }
    }

    private static void failures(RunInspection in, PrintStream out) {
        List<String> lines = new ArrayList<>();
        for (RunTimeline.Start s : RunTimeline.of(in).starts()) {
            RecoveryEvent e = s.event();
            if (e.previousCrashed()) {
                lines.add("driver crash: " + e.previousHolder() + " did not release the directory; taken over "
                        + Text.time(e.timeMillis()) + " by writer epoch " + e.writerEpoch());
            }
            if (s.failedStarts() > 0) {
                lines.add("failed start" + (s.failedStarts() == 1 ? ": writer epoch " + (e.writerEpoch() - 1)
                        : "s: writer epochs " + (s.previousEpoch() + 1) + "-" + (e.writerEpoch() - 1))
                        + " took the lease before " + Text.time(e.timeMillis()) + " but never resumed (an error at"
                        + " startup, such as a run mismatch); how writer epoch " + s.previousEpoch()
                        + " ended is not recorded");
            }
        }
        for (CheckpointStatus c : in.checkpoints()) {
            if (!c.trusted()) {
                lines.add("rejected checkpoint " + c.ref().path().getName() + ": " + c.problem());
            }
        }
        for (String u : in.unfinished()) {
            lines.add("unfinished checkpoint " + u + ": a persist crashed or failed; the next writer deletes it");
        }
        for (SegmentInfo s : in.segments()) {
            if (s.role() == SegmentInfo.Role.ORPHAN) {
                lines.add("orphan log segment " + s.name() + ": a fenced-out writer's; the next writer deletes it");
            } else if (s.ignoredBytes() > 0) {
                lines.add(s.ignoredBytes() + " bytes at the end of " + s.name() + " are ignored (torn tail or a"
                        + " fenced-out writer's appends)");
            }
        }
        if (in.planError() != null) {
            lines.add("recovery would fail: " + in.planError());
        }
        out.println();
        out.println("failures: " + (lines.isEmpty() ? "none recorded" : lines.size()));
        for (String l : lines) {
            out.println("  " + l);
        }
    }
}
