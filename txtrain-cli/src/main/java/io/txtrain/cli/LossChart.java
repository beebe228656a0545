package io.txtrain.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.txtrain.core.log.RoundRecord;

/**
 * The main chart: loss per committed round over wall-clock time, with the checkpoints, driver
 * starts, crashes and the downtime and replay around them on the same axis.
 */
final class LossChart {
    static final int WIDTH = 1080;
    static final int HEIGHT = 400;
    static final double LEFT = 64;
    static final double RIGHT = WIDTH - 28;
    private static final double TOP = 70;
    private static final double BOTTOM = HEIGHT - 40;
    private static final double EVENT_LANE = 16;
    private static final double CHECKPOINT_LANE = 48;

    private LossChart() {
    }

    static String svg(RunTimeline t, Scales.Time time) {
        List<RoundRecord> rounds = t.rounds().stream().filter(r -> Double.isFinite(r.score())).toList();
        double min = rounds.stream().mapToDouble(RoundRecord::score).min().orElse(0);
        double max = rounds.stream().mapToDouble(RoundRecord::score).max().orElse(1);
        Scales.Linear y = Scales.Linear.nice(min, max, BOTTOM, TOP, 5);
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"loss per round over time\" xmlns=\"http://www.w3.org/2000/svg\">");
        bands(b, t, time);
        grid(b, time, y);
        checkpoints(b, t, time);
        starts(b, t, time);
        series(b, t, rounds, time, y);
        gapLabels(b, time);
        b.append(Svg.text(14, (TOP + BOTTOM) / 2, "axis-title", "middle", "loss")
                .replace("<text ", "<text transform=\"rotate(-90 14 " + Svg.n((TOP + BOTTOM) / 2) + ")\" "));
        b.append(Svg.text(LEFT - 8, CHECKPOINT_LANE + 4, "lane", "end", "ckpt"));
        b.append(Svg.text(LEFT - 8, EVENT_LANE + 4, "lane", "end", "driver"));
        b.append("</svg>");
        return b.toString();
    }

    /** Downtime before a restart (red after a crash) and the resume and replay after it. */
    private static void bands(StringBuilder b, RunTimeline t, Scales.Time time) {
        for (RunTimeline.Start s : t.starts()) {
            double x = time.x(s.event().timeMillis());
            if (!s.first() && s.stoppedMillis() >= 0) {
                double x0 = time.x(s.stoppedMillis());
                b.append(Svg.rect(x0, TOP, x - x0, BOTTOM - TOP, s.afterCrash() ? "band-crash" : "band-stop",
                        (s.afterCrash() ? "driver down after a crash: " : s.failedStarts() > 0
                                ? "no driver committed (how the previous one ended is not recorded): "
                                : "driver stopped: ")
                                + Text.duration(s.event().timeMillis() - s.stoppedMillis()) + " between the last"
                                + " commit and the restart"));
            }
            if (s.firstCommitMillis() > 0 && s.event().replayedRounds() > 0) {
                double x1 = time.x(s.firstCommitMillis());
                b.append(Svg.rect(x, TOP, x1 - x, BOTTOM - TOP, "band-replay", "restart and replay of "
                        + Text.plural(s.event().replayedRounds(), "round", "rounds") + ": "
                        + Text.duration(s.firstCommitMillis() - s.event().timeMillis())));
            }
        }
    }

    private static void grid(StringBuilder b, Scales.Time time, Scales.Linear y) {
        for (double v : y.ticks()) {
            b.append(Svg.line(LEFT, y.y(v), RIGHT, y.y(v), "grid"));
            b.append(Svg.text(LEFT - 8, y.y(v) + 4, "tick", "end", y.label(v)));
        }
        axisX(b, time, BOTTOM);
    }

    /** The time axis: ticks, and a break mark where an idle stretch is cut out. */
    static void axisX(StringBuilder b, Scales.Time time, double bottom) {
        long step = time.step(84);
        for (long tick : time.ticks(84)) {
            double x = time.x(tick);
            b.append(Svg.line(x, bottom, x, bottom + 5, "axis"));
            b.append(Svg.text(x, bottom + 19, "tick", "middle", time.label(tick, step)));
        }
        double x = LEFT;
        for (Scales.Time.Gap g : time.gaps()) {
            b.append(Svg.line(x, bottom, g.x0() + 6, bottom, "axis"));
            b.append(Svg.line(g.x0() + 3, bottom + 5, g.x0() + 9, bottom - 5, "axis"));
            b.append(Svg.line(g.x1() - 9, bottom + 5, g.x1() - 3, bottom - 5, "axis"));
            b.append(Svg.line(g.x0() + 12, bottom, g.x1() - 12, bottom, "axis-gap"));
            x = g.x1() - 6;
        }
        b.append(Svg.line(x, bottom, RIGHT, bottom, "axis"));
    }

    /** The length of each cut-out idle stretch, written into it (its full title on hover). */
    private static void gapLabels(StringBuilder b, Scales.Time time) {
        for (Scales.Time.Gap g : time.gaps()) {
            double mid = (g.x0() + g.x1()) / 2;
            b.append(Svg.text(mid, BOTTOM - 8, "gap-label", "middle", Text.duration(g.toMillis() - g.fromMillis()))
                    .replace("</text>", Svg.title("time axis cut: " + Text.time(g.fromMillis()) + " to "
                            + Text.time(g.toMillis()) + " had no commit, checkpoint or start") + "</text>"));
        }
    }

    private static void checkpoints(StringBuilder b, RunTimeline t, Scales.Time time) {
        double lastLabel = -1e9;
        for (RunTimeline.Checkpoint c : t.checkpoints()) {
            double x = time.x(c.createdMillis());
            String cls = c.trusted() ? "ckpt" : "ckpt-bad";
            b.append(Svg.line(x, CHECKPOINT_LANE + 7, x, BOTTOM, cls + "-line"));
            b.append("<path class=\"").append(cls).append("\" d=\"M").append(Svg.n(x)).append(' ')
                    .append(Svg.n(CHECKPOINT_LANE - 6)).append("l6 6l-6 6l-6 -6z\">")
                    .append(Svg.title("checkpoint of round " + c.round() + " at " + Text.time(c.createdMillis()) + ", "
                            + Text.bytes(c.bytes()) + (c.trusted() ? "" : "; rejected: " + c.problem())))
                    .append("</path>");
            if (x - lastLabel > 44) {
                b.append(Svg.text(x, CHECKPOINT_LANE - 10, "ckpt-label", "middle", "r" + c.round()));
                lastLabel = x;
            }
        }
    }

    private static void starts(StringBuilder b, RunTimeline t, Scales.Time time) {
        double lastLabelEnd = -1e9;
        for (RunTimeline.Start s : t.starts()) {
            double x = time.x(s.event().timeMillis());
            String cls = s.first() ? "start" : s.afterCrash() ? "crash" : "restart";
            String label = s.first() ? "start" : s.afterCrash()
                    ? "crash \u2192 restart at r" + s.event().nextRound()
                    : "restart at r" + s.event().nextRound();
            b.append(Svg.line(x, EVENT_LANE + 6, x, BOTTOM, cls + "-line"));
            b.append("<circle class=\"").append(cls).append("\" cx=\"").append(Svg.n(x)).append("\" cy=\"")
                    .append(Svg.n(EVENT_LANE)).append("\" r=\"5\">").append(Svg.title(s.describe()
                            + " (" + Text.time(s.event().timeMillis()) + ", writer epoch " + s.event().writerEpoch()
                            + ")")).append("</circle>");
            double width = label.length() * 6.2;
            if (x + 9 > lastLabelEnd + 8 && x + 9 + width < RIGHT + 20) {
                b.append(Svg.text(x + 9, EVENT_LANE + 4, cls + "-label", "start", label));
                lastLabelEnd = x + 9 + width;
            } else if (x - 9 - width > lastLabelEnd + 8) {
                b.append(Svg.text(x - 9, EVENT_LANE + 4, cls + "-label", "end", label));
                lastLabelEnd = x;
            }
        }
    }

    /** One line per driver (a restart breaks it), and one point per committed round. */
    private static void series(StringBuilder b, RunTimeline t, List<RoundRecord> rounds, Scales.Time time,
                               Scales.Linear y) {
        List<Long> breaks = new ArrayList<>();
        for (RunTimeline.Start s : t.starts()) {
            breaks.add(s.event().timeMillis());
        }
        StringBuilder path = new StringBuilder();
        int next = 0;
        boolean pen = false;
        for (RoundRecord r : rounds) {
            while (next < breaks.size() && breaks.get(next) < r.commitTimeMillis()) {
                next++;
                pen = false;
            }
            path.append(pen ? 'L' : 'M').append(Svg.n(time.x(r.commitTimeMillis()))).append(' ')
                    .append(Svg.n(y.y(r.score())));
            pen = true;
        }
        b.append("<path class=\"loss\" d=\"").append(path).append("\"/>");
        double radius = rounds.size() > 2000 ? 1.2 : rounds.size() > 400 ? 1.8 : 2.6;
        for (RoundRecord r : rounds) {
            b.append("<circle class=\"round\" cx=\"").append(Svg.n(time.x(r.commitTimeMillis()))).append("\" cy=\"")
                    .append(Svg.n(y.y(r.score()))).append("\" r=\"").append(radius).append("\">")
                    .append(Svg.title(String.format(Locale.ROOT, "round %d (epoch %d, split %d/%d): loss %.5f, %s",
                            r.round(), r.trainingEpoch() + 1, r.splitIndex() + 1, r.splitCount(), r.score(),
                            Text.time(r.commitTimeMillis()))))
                    .append("</circle>");
        }
    }
}
