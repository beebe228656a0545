package io.txtrain.cli;

import java.util.List;
import java.util.Locale;

/**
 * The health hazard factor over time (one step per committed round, from {@code monitor.hazard}),
 * with executors' notices as dashed vertical lines and the checkpoints taken for them as points.
 */
final class HazardChart {
    static final int HEIGHT = 210;
    private static final double TOP = 22;
    private static final double BOTTOM = HEIGHT - 40;

    private HazardChart() {
    }

    static String svg(RunTimeline t, Scales.Time time) {
        double max = t.hazard().stream().mapToDouble(RunTimeline.HazardPoint::factor).max().orElse(1);
        Scales.Linear y = Scales.Linear.nice(0, Math.max(max * 1.15, 2), BOTTOM, TOP, 4);
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(LossChart.WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"health hazard factor and notices over time\""
                        + " xmlns=\"http://www.w3.org/2000/svg\">");
        for (double v : y.ticks()) {
            b.append(Svg.line(LossChart.LEFT, y.y(v), LossChart.RIGHT, y.y(v), "grid"));
            b.append(Svg.text(LossChart.LEFT - 8, y.y(v) + 4, "tick", "end", y.label(v)));
        }
        LossChart.axisX(b, time, BOTTOM);
        b.append(Svg.text(14, (TOP + BOTTOM) / 2, "axis-title", "middle", "hazard \u00d7")
                .replace("<text ", "<text transform=\"rotate(-90 14 " + Svg.n((TOP + BOTTOM) / 2) + ")\" "));
        List<RunTimeline.HazardPoint> h = t.hazard();
        for (int i = 0; i < h.size(); i++) {
            RunTimeline.HazardPoint p = h.get(i);
            double x = time.x(p.timeMillis());
            double yy = y.y(p.factor());
            if (i > 0) {
                RunTimeline.HazardPoint prev = h.get(i - 1);
                double px = time.x(prev.timeMillis());
                b.append(Svg.line(px, y.y(prev.factor()), x, y.y(prev.factor()), "hazard-line"));
                b.append(Svg.line(x, y.y(prev.factor()), x, yy, "hazard-line"));
            }
            if (p.factor() > 1.0005) {
                String tip = String.format(Locale.ROOT, "round %d: hazard x%.2f (%s), interval %.1f s", p.round(),
                        p.factor(), p.signal(), p.intervalSeconds());
                b.append("<circle class=\"hazard\" cx=\"").append(Svg.n(x)).append("\" cy=\"").append(Svg.n(yy))
                        .append("\" r=\"2.5\">").append(Svg.title(tip)).append("</circle>");
            }
        }
        for (RunTimeline.Notice n : t.notices()) {
            double x = time.x(n.timeMillis());
            b.append(Svg.line(x, TOP, x, BOTTOM, "notice-line"));
            b.append("<circle class=\"notice\" cx=\"").append(Svg.n(x)).append("\" cy=\"").append(Svg.n(TOP))
                    .append("\" r=\"4\">").append(Svg.title("executor " + n.executorId() + ": " + n.what()))
                    .append("</circle>");
        }
        for (RunTimeline.Checkpoint c : t.checkpoints()) {
            String reason = t.checkpointReasons().get(c.round());
            if (reason != null && reason.startsWith("executor decommissioning")) {
                double x = time.x(c.createdMillis());
                b.append("<circle class=\"ckpt\" cx=\"").append(Svg.n(x)).append("\" cy=\"").append(Svg.n(BOTTOM))
                        .append("\" r=\"4.5\">").append(Svg.title("checkpoint of round " + c.round() + ": " + reason))
                        .append("</circle>");
            }
        }
        b.append("</svg>");
        return b.toString();
    }
}
