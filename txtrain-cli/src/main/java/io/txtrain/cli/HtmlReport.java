package io.txtrain.cli;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import io.txtrain.core.inspect.RunInspection;
import io.txtrain.core.log.RoundRecord;

/** A self-contained HTML page (inline CSS and SVG, no scripts) about one run. */
final class HtmlReport {
    private static final String CSS = """
            :root{--ink:#0f172a;--muted:#64748b;--line:#e2e8f0;--loss:#2563eb;--ckpt:#059669;--crash:#dc2626;
            --restart:#64748b;--start:#0891b2;--replay:#f59e0b;--hazard:#9333ea;--notice:#ea580c}
            *{box-sizing:border-box}
            body{margin:0;background:#f1f5f9;color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",
            Roboto,"Helvetica Neue",Arial,sans-serif}
            main{max-width:1140px;margin:0 auto;padding:28px 24px 40px}
            h1{font-size:22px;margin:0 0 2px}
            h2{font-size:15px;margin:0 0 4px}
            .sub{color:var(--muted);font-size:13px;word-break:break-all}
            .cards{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;margin:18px 0}
            .card,.panel{background:#fff;border:1px solid var(--line);border-radius:10px;
            box-shadow:0 1px 2px rgba(15,23,42,.05)}
            .card{padding:12px 14px}
            .card .k{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
            .card .v{font-size:24px;font-weight:650;margin-top:2px}
            .card .d{color:var(--muted);font-size:12px}
            .card.alert .v{color:var(--crash)}
            .panel{padding:14px 16px 8px;margin:0 0 14px}
            .legend{display:flex;flex-wrap:wrap;gap:16px;color:var(--muted);font-size:12px;margin:2px 0 6px}
            .legend span{display:inline-flex;align-items:center;gap:6px}
            .sw{display:inline-block;width:14px;height:10px;border-radius:2px}
            svg.chart{width:100%;height:auto;display:block}
            svg text{font:11px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#475569}
            svg .axis-title{font-size:12px;fill:#334155}
            svg .lane{font-size:10px;fill:#94a3b8;text-transform:uppercase}
            .grid{stroke:#eef2f7}.axis{stroke:#94a3b8}.axis-gap{stroke:#cbd5e1;stroke-dasharray:2 3}
            svg .gap-label{fill:#64748b;font-size:10px}
            .loss{fill:none;stroke:var(--loss);stroke-width:1.6;stroke-linejoin:round}
            .round{fill:var(--loss);stroke:#fff;stroke-width:.6}
            .ckpt{fill:var(--ckpt)}.ckpt-bad{fill:#fff;stroke:var(--crash);stroke-width:1.5}
            .ckpt-line{stroke:var(--ckpt);stroke-opacity:.35;stroke-dasharray:3 3}
            .ckpt-bad-line{stroke:var(--crash);stroke-opacity:.5;stroke-dasharray:3 3}
            svg .ckpt-label{fill:var(--ckpt);font-size:10px}
            .crash{fill:var(--crash)}.restart{fill:var(--restart)}.start{fill:var(--start)}
            .crash-line{stroke:var(--crash);stroke-width:1.5}.restart-line{stroke:var(--restart);stroke-width:1.2}
            .start-line{stroke:var(--start);stroke-width:1.2;stroke-dasharray:2 3}
            svg .crash-label{fill:var(--crash);font-weight:600}svg .restart-label{fill:var(--restart)}
            svg .start-label{fill:var(--start)}
            .band-crash{fill:var(--crash);fill-opacity:.09}.band-stop{fill:#94a3b8;fill-opacity:.12}
            .band-replay{fill:var(--replay);fill-opacity:.18}
            .interval-bar{fill:var(--ckpt);fill-opacity:.12}.interval-top{stroke:var(--ckpt);stroke-width:2}
            .interval{fill:var(--ckpt)}svg .interval-label{fill:var(--ckpt)}
            table{width:100%;border-collapse:collapse;font-size:13px}
            th{text-align:left;color:var(--muted);font-weight:600;border-bottom:1px solid var(--line);padding:6px 8px}
            td{border-bottom:1px solid #f1f5f9;padding:5px 8px;vertical-align:top}
            td.t{white-space:nowrap;color:var(--muted);font-variant-numeric:tabular-nums}
            .tag{display:inline-block;border-radius:9px;padding:0 8px;font-size:12px;font-weight:600;white-space:nowrap}
            .tag.crash{background:#fee2e2;color:#b91c1c}.tag.restart{background:#f1f5f9;color:#475569}
            .tag.start{background:#cffafe;color:#0e7490}.tag.ckpt{background:#d1fae5;color:#047857}
            .tag.bad{background:#fee2e2;color:#b91c1c}
            .hazard-line{stroke:var(--hazard);stroke-width:2}.hazard{fill:var(--hazard)}
            .notice-line{stroke:var(--notice);stroke-dasharray:4 3}.notice{fill:var(--notice)}
            .tag.notice{background:#ffedd5;color:#c2410c}
            .note{color:var(--muted);font-size:12px;margin:8px 2px}
            .muted{color:var(--muted);font-size:12px}
            .empty{color:var(--muted);padding:18px 0 22px}
            """;

    private HtmlReport() {
    }

    static String render(RunInspection in, RunTimeline t, ZoneId zone) {
        Scales.Time time = timeScale(t, zone);
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .append("<title>txtrain report \u2013 ").append(Svg.esc(in.root().getName())).append("</title>")
                .append("<style>").append(CSS).append("</style></head><body><main>\n");
        header(b, in);
        cards(b, in, t);
        b.append("<section class=\"panel\"><h2>Loss per committed round</h2>").append(legend(t))
                .append(t.rounds().isEmpty() ? "<div class=\"empty\">The log holds no committed round.</div>"
                        : LossChart.svg(t, time))
                .append("</section>\n");
        b.append("<section class=\"panel\"><h2>Checkpoint interval</h2><div class=\"sub\">Time between consecutive"
                + " published checkpoints; the label gives the rounds in between.</div>");
        if (t.intervals().isEmpty()) {
            b.append("<div class=\"empty\">Fewer than two checkpoints are retained, so there is no interval to show"
                    + " (spark.txtrain.checkpoint.retain keeps the newest ").append(t.checkpoints().size())
                    .append(").</div>");
        } else {
            b.append(IntervalChart.svg(t, time));
        }
        b.append("</section>\n");
        if (t.monitored()) {
            b.append("<section class=\"panel\"><h2>Monitoring</h2><div class=\"sub\">Health hazard factor at each"
                    + " commit (1 = nothing wrong; above 1 the checkpoint interval is shorter), executors' notices that"
                    + " they are going away (dashed) and the checkpoints taken for them.</div><div class=\"legend\">");
            item(b, "var(--hazard)", "hazard factor");
            item(b, "var(--notice)", "notice (decommissioning, shutdown)");
            item(b, "var(--ckpt)", "checkpoint taken for a notice");
            b.append("</div>").append(HazardChart.svg(t, time)).append("</section>\n");
        }
        events(b, t, in.chain() == null ? List.of() : Lineages.of(in.chain()));
        b.append("<p class=\"note\">Times are in ").append(Svg.esc(zone.getId())).append(". Sources: the ROUND_COMMIT")
                .append(" and RECOVERY records of the log chain").append(roundRange(t))
                .append(", the run's compact history (history/: the rounds and starts of log segments that retention")
                .append(" deleted, downsampled in long runs) and the manifests of the published checkpoints (older ones")
                .append(" are deleted by retention).</p>\n")
                .append("</main></body></html>\n");
        return b.toString();
    }

    /**
     * One time axis for both charts. Idle stretches longer than ten typical rounds (and at least
     * 30 s and a twentieth of the run) are cut out, so that a driver that was down for hours does
     * not squeeze the rounds into slivers.
     */
    static Scales.Time timeScale(RunTimeline t, ZoneId zone) {
        List<Long> times = new ArrayList<>();
        t.rounds().forEach(r -> times.add(r.commitTimeMillis()));
        t.checkpoints().forEach(c -> times.add(c.createdMillis()));
        t.starts().forEach(s -> times.add(s.event().timeMillis()));
        long[] steps = new long[Math.max(0, t.rounds().size() - 1)];
        for (int i = 1; i < t.rounds().size(); i++) {
            steps[i - 1] = t.rounds().get(i).commitTimeMillis() - t.rounds().get(i - 1).commitTimeMillis();
        }
        java.util.Arrays.sort(steps);
        long median = steps.length == 0 ? 0 : steps[steps.length / 2];
        long minGap = Math.max(30_000, Math.max(10 * median, (t.toMillis() - t.fromMillis()) / 20));
        return Scales.Time.of(times, minGap, LossChart.LEFT, LossChart.RIGHT, zone);
    }

    private static void header(StringBuilder b, RunInspection in) {
        List<String> facts = new ArrayList<>();
        facts.add("generated " + Text.time(in.inspectedAtMillis()));
        if (in.format() != null) {
            facts.add("run created " + Text.time(in.format().createdMillis()));
        }
        String kind = in.attribute("model.kind");
        if (kind != null) {
            facts.add(kind.equals("GRAPH") ? "ComputationGraph" : "MultiLayerNetwork");
        }
        String workers = in.attribute("averaging.workers");
        if (workers != null) {
            facts.add(workers + " workers, averaging every " + in.attribute("averaging.frequency") + " iterations");
        }
        b.append("<h1>txtrain run report</h1><div class=\"sub\">").append(Svg.esc(in.root().toString()))
                .append("</div><div class=\"sub\">").append(Svg.esc(String.join(" \u00b7 ", facts))).append("</div>\n");
    }

    private static void cards(StringBuilder b, RunInspection in, RunTimeline t) {
        b.append("<div class=\"cards\">");
        RoundRecord last = in.lastRound();
        card(b, "Committed round", last == null ? "\u2013" : Long.toString(last.round()), last == null ? ""
                : "training epoch " + (last.trainingEpoch() + 1) + ", split " + (last.splitIndex() + 1) + "/"
                + last.splitCount(), false);
        RoundRecord first = t.rounds().isEmpty() ? null : t.rounds().get(0);
        card(b, "Loss", last == null ? "\u2013" : String.format(Locale.ROOT, "%.4f", last.score()), first == null ? ""
                : String.format(Locale.ROOT, "round %d: %.4f", first.round(), first.score()), false);
        long trusted = t.checkpoints().stream().filter(RunTimeline.Checkpoint::trusted).count();
        card(b, "Checkpoints", Long.toString(t.checkpoints().size()), t.checkpoints().isEmpty() ? "none retained"
                : trusted == t.checkpoints().size() ? "newest: round " + t.checkpoints().stream()
                .mapToLong(RunTimeline.Checkpoint::round).max().getAsLong()
                : (t.checkpoints().size() - trusted) + " rejected", trusted < t.checkpoints().size());
        long crashes = t.crashes();
        card(b, "Driver starts", Integer.toString(t.starts().size()), crashes == 0 ? "no crash recorded"
                : Text.plural(crashes, "crash", "crashes") + " recovered", crashes > 0);
        card(b, "Training time", first == null ? "\u2013" : Text.duration(last.commitTimeMillis()
                - first.commitTimeMillis()), first == null ? "" : "rounds " + first.round() + "\u2013" + last.round()
                + " in the log", false);
        b.append("</div>\n");
    }

    private static void card(StringBuilder b, String key, String value, String detail, boolean alert) {
        b.append("<div class=\"card").append(alert ? " alert" : "").append("\"><div class=\"k\">").append(Svg.esc(key))
                .append("</div><div class=\"v\">").append(Svg.esc(value)).append("</div><div class=\"d\">")
                .append(Svg.esc(detail)).append("</div></div>");
    }

    /** The legend, with the kinds of event this run has. */
    private static String legend(RunTimeline t) {
        StringBuilder b = new StringBuilder("<div class=\"legend\">");
        item(b, "var(--loss)", "loss (one point per round)");
        item(b, "var(--ckpt)", "checkpoint published");
        item(b, "var(--start)", "driver start");
        if (t.starts().stream().anyMatch(s -> !s.first() && !s.afterCrash())) {
            item(b, "var(--restart)", "restart after a clean stop");
        }
        if (t.crashes() > 0) {
            item(b, "var(--crash)", "restart after a crash (shaded: downtime)");
        }
        if (t.starts().stream().anyMatch(s -> s.event().replayedRounds() > 0)) {
            item(b, "var(--replay);opacity:.5", "resume and replay");
        }
        if (t.checkpoints().stream().anyMatch(c -> !c.trusted())) {
            item(b, "var(--crash)", "rejected checkpoint (hollow)");
        }
        return b.append("</div>").toString();
    }

    private static void item(StringBuilder b, String color, String text) {
        b.append("<span><i class=\"sw\" style=\"background:").append(color).append("\"></i>").append(Svg.esc(text))
                .append("</span>");
    }

    private static void events(StringBuilder b, RunTimeline t, List<Lineages.Group> lineage) {
        record Row(long time, String tag, String cls, String text, String detail) {
        }
        List<Row> rows = new ArrayList<>();
        for (RunTimeline.Start s : t.starts()) {
            String cls = s.first() ? "start" : s.afterCrash() ? "crash" : "restart";
            String tag = s.first() ? "start" : s.afterCrash() ? "crash + restart" : "restart";
            rows.add(new Row(s.event().timeMillis(), tag, cls, "writer epoch " + s.event().writerEpoch() + ": "
                    + s.summary(), s.first() ? "" : "previous writer " + s.previous()));
        }
        for (RunTimeline.Checkpoint c : t.checkpoints()) {
            String reason = t.checkpointReasons().get(c.round());
            rows.add(new Row(c.createdMillis(), c.trusted() ? "checkpoint" : "rejected", c.trusted() ? "ckpt" : "bad",
                    "round " + c.round() + ", " + Text.bytes(c.bytes()) + (c.trusted() ? "" : ": " + c.problem()),
                    reason == null ? "" : "taken for: " + reason));
        }
        java.util.Set<Long> retained = new java.util.HashSet<>();
        t.checkpoints().forEach(c -> retained.add(c.round()));
        for (RoundRecord r : t.rounds()) {
            String reason = t.checkpointReasons().get(r.round());
            if (reason != null && !retained.contains(r.round())) {
                rows.add(new Row(r.commitTimeMillis(), "checkpoint", "ckpt", "round " + r.round()
                        + " (deleted since by retention)", "taken for: " + reason));
            }
        }
        for (RunTimeline.Notice n : t.notices()) {
            rows.add(new Row(n.timeMillis(), "notice", "notice", "executor " + n.executorId() + " is going away: "
                    + n.what(), "recorded with round " + n.recordedInRound()));
        }
        double peak = 1;
        RunTimeline.HazardPoint top = null;
        for (RunTimeline.HazardPoint p : t.hazard()) {
            if (p.factor() > peak) {
                peak = p.factor();
                top = p;
            }
        }
        if (top != null) {
            rows.add(new Row(top.timeMillis(), "hazard peak", "notice", String.format(Locale.ROOT,
                    "hazard x%.2f at round %d: %s", top.factor(), top.round(), top.signal()),
                    String.format(Locale.ROOT, "checkpoint interval %.1f s", top.intervalSeconds())));
        }
        for (Lineages.Group g : lineage) {
            rows.add(new Row(g.timeMillis(), "lineage", "restart", g.summary(), String.join("; ", g.details())));
        }
        rows.sort(Comparator.comparingLong(Row::time));
        b.append("<section class=\"panel\"><h2>Events</h2><table><tr><th>time</th><th>event</th><th>details</th></tr>");
        for (Row r : rows) {
            b.append("<tr><td class=\"t\">").append(Text.time(r.time())).append("</td><td><span class=\"tag ")
                    .append(r.cls()).append("\">").append(Svg.esc(r.tag())).append("</span></td><td>")
                    .append(Svg.esc(r.text()));
            if (!r.detail().isEmpty()) {
                b.append("<div class=\"muted\">").append(Svg.esc(r.detail())).append("</div>");
            }
            b.append("</td></tr>");
        }
        b.append("</table></section>\n");
    }

    private static String roundRange(RunTimeline t) {
        if (t.rounds().isEmpty()) {
            return "";
        }
        return " (rounds " + t.rounds().get(0).round() + "\u2013" + t.rounds().get(t.rounds().size() - 1).round() + ")";
    }
}
