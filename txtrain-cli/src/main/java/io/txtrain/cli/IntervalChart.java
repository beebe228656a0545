package io.txtrain.cli;

import java.util.Locale;

/**
 * The checkpoint interval over time: for each checkpoint, a bar spanning the time since the one
 * before it, at the height of that interval in seconds, labelled with the rounds it covers.
 */
final class IntervalChart {
    static final int HEIGHT = 210;
    private static final double TOP = 22;
    private static final double BOTTOM = HEIGHT - 40;

    private IntervalChart() {
    }

    static String svg(RunTimeline t, Scales.Time time) {
        double max = t.intervals().stream().mapToDouble(RunTimeline.Interval::seconds).max().orElse(1);
        Scales.Linear y = Scales.Linear.nice(0, Math.max(max * 1.15, 1e-3), BOTTOM, TOP, 4);
        StringBuilder b = new StringBuilder();
        b.append("<svg class=\"chart\" viewBox=\"0 0 ").append(LossChart.WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"checkpoint interval over time\""
                        + " xmlns=\"http://www.w3.org/2000/svg\">");
        for (double v : y.ticks()) {
            b.append(Svg.line(LossChart.LEFT, y.y(v), LossChart.RIGHT, y.y(v), "grid"));
            b.append(Svg.text(LossChart.LEFT - 8, y.y(v) + 4, "tick", "end", y.label(v)));
        }
        LossChart.axisX(b, time, BOTTOM);
        b.append(Svg.text(14, (TOP + BOTTOM) / 2, "axis-title", "middle", "seconds")
                .replace("<text ", "<text transform=\"rotate(-90 14 " + Svg.n((TOP + BOTTOM) / 2) + ")\" "));
        for (RunTimeline.Interval i : t.intervals()) {
            double x1 = time.x(i.atMillis());
            double x0 = time.x(i.atMillis() - Math.round(i.seconds() * 1000));
            double yy = y.y(i.seconds());
            String tip = String.format(Locale.ROOT, "checkpoint of round %d: %.1f s and %d rounds after the previous one",
                    i.round(), i.seconds(), i.rounds());
            b.append(Svg.rect(x0, yy, x1 - x0, BOTTOM - yy, "interval-bar", tip));
            b.append(Svg.line(x0, yy, x1, yy, "interval-top"));
            b.append("<circle class=\"interval\" cx=\"").append(Svg.n(x1)).append("\" cy=\"").append(Svg.n(yy))
                    .append("\" r=\"3.5\">").append(Svg.title(tip)).append("</circle>");
            if (x1 - x0 > 56) {
                b.append(Svg.text((x0 + x1) / 2, yy - 6, "interval-label", "middle",
                        Text.plural(i.rounds(), "round", "rounds")));
            }
        }
        b.append("</svg>");
        return b.toString();
    }
}
