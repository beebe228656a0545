package io.txtrain.cli;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Maps times and values to pixels, with readable tick positions and labels. */
final class Scales {
    private Scales() {
    }

    /**
     * Wall-clock time (millis) to x pixels, with ticks at round local times. Long idle stretches
     * (a driver down for hours) are cut out of the axis and drawn as a gap of fixed width, so the
     * stretches with activity stay readable; {@link #gaps()} lists them.
     */
    static final class Time {
        static final double GAP = 64;
        private static final long S = 1000;
        private static final long M = 60 * S;
        private static final long H = 60 * M;
        private static final long[] STEPS = {S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S, M, 2 * M, 5 * M, 10 * M,
            15 * M, 30 * M, H, 2 * H, 3 * H, 6 * H, 12 * H, 24 * H, 48 * H, 7 * 24 * H, 30 * 24 * H};

        /** A cut-out idle stretch: where it is drawn and how long it lasted. */
        record Gap(double x0, double x1, long fromMillis, long toMillis) {
        }

        private final long[] from;
        private final long[] to;
        private final double[] x0;
        private final double pxPerMs;
        private final ZoneId zone;

        private Time(long[] from, long[] to, double left, double right, ZoneId zone) {
            this.from = from;
            this.to = to;
            this.zone = zone;
            long active = 0;
            for (int i = 0; i < from.length; i++) {
                active += to[i] - from[i];
            }
            pxPerMs = (right - left - GAP * (from.length - 1)) / active;
            x0 = new double[from.length];
            double x = left;
            for (int i = 0; i < from.length; i++) {
                x0[i] = x;
                x += (to[i] - from[i]) * pxPerMs + GAP;
            }
        }

        /**
         * A scale over the given times that cuts out every stretch without any of them longer than
         * {@code minGapMillis}.
         */
        static Time of(List<Long> times, long minGapMillis, double left, double right, ZoneId zone) {
            List<Long> t = new ArrayList<>(times);
            t.sort(null);
            if (t.isEmpty()) {
                t.add(0L);
            }
            List<long[]> segs = new ArrayList<>();
            long a = t.get(0);
            long b = a;
            for (long v : t) {
                if (v - b > minGapMillis) {
                    segs.add(new long[] {a, b});
                    a = v;
                }
                b = v;
            }
            segs.add(new long[] {a, b});
            long active = 0;
            for (long[] sg : segs) {
                active += sg[1] - sg[0];
            }
            long pad = Math.max(S, Math.max(active, 10 * S) / 40);
            long[] f = new long[segs.size()];
            long[] e = new long[segs.size()];
            for (int i = 0; i < segs.size(); i++) {
                long lo = segs.get(i)[0];
                long hi = segs.get(i)[1];
                if (hi - lo < 10 * S && segs.size() == 1) { // a lone instant: show ten seconds around it
                    lo = (lo + hi) / 2 - 5 * S;
                    hi = lo + 10 * S;
                }
                f[i] = lo - (i == 0 ? pad : Math.min(pad, (lo - segs.get(i - 1)[1]) / 4));
                e[i] = hi + (i == segs.size() - 1 ? pad : Math.min(pad, (segs.get(i + 1)[0] - hi) / 4));
            }
            return new Time(f, e, left, right, zone);
        }

        double x(long t) {
            for (int i = 0; i < from.length; i++) {
                if (t < from[i] && i > 0) {
                    double gx0 = x0[i - 1] + (to[i - 1] - from[i - 1]) * pxPerMs;
                    return gx0 + GAP * (t - to[i - 1]) / (double) (from[i] - to[i - 1]);
                }
                if (t <= to[i] || i == from.length - 1) {
                    return x0[i] + (t - from[i]) * pxPerMs;
                }
            }
            throw new IllegalStateException("unreachable");
        }

        List<Gap> gaps() {
            List<Gap> out = new ArrayList<>();
            for (int i = 1; i < from.length; i++) {
                out.add(new Gap(x0[i] - GAP, x0[i], to[i - 1], from[i]));
            }
            return out;
        }

        /** Tick step: the smallest round step at least {@code minPx} pixels wide. */
        long step(double minPx) {
            for (long s : STEPS) {
                if (s * pxPerMs >= minPx) {
                    return s;
                }
            }
            return STEPS[STEPS.length - 1];
        }

        /** Ticks at multiples of the step in local time, inside the shown stretches, not too close. */
        List<Long> ticks(double minPx) {
            long step = step(minPx);
            List<Long> out = new ArrayList<>();
            double last = -1e9;
            for (int i = 0; i < from.length; i++) {
                long offset = zone.getRules().getOffset(Instant.ofEpochMilli(from[i])).getTotalSeconds() * 1000L;
                long first = Math.floorDiv(from[i] + offset + step - 1, step) * step - offset;
                for (long t = first; t <= to[i]; t += step) {
                    if (x(t) - last >= minPx * 0.8) {
                        out.add(t);
                        last = x(t);
                    }
                }
            }
            return out;
        }

        String label(long t, long step) {
            long span = to[to.length - 1] - from[0];
            String pattern = step < M ? "HH:mm:ss" : step < 24 * H ? (span > 24 * H ? "MM-dd HH:mm" : "HH:mm")
                    : "MM-dd";
            return DateTimeFormatter.ofPattern(pattern, Locale.ROOT).withZone(zone).format(Instant.ofEpochMilli(t));
        }
    }

    /** Values to y pixels (bottom to top), over a domain widened to whole tick steps. */
    record Linear(double from, double to, double bottom, double top, double step) {
        static Linear nice(double min, double max, double bottom, double top, int ticks) {
            if (!(max > min)) {
                double d = Math.abs(min) > 0 ? Math.abs(min) * 0.1 : 1;
                min -= d;
                max += d;
            }
            double raw = (max - min) / ticks;
            double mag = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = mag * (raw / mag <= 1 ? 1 : raw / mag <= 2 ? 2 : raw / mag <= 5 ? 5 : 10);
            double lo = Math.floor(min / step) * step;
            double hi = Math.ceil(max / step) * step;
            return new Linear(lo, hi, bottom, top, step);
        }

        double y(double v) {
            return bottom - (bottom - top) * (v - from) / (to - from);
        }

        List<Double> ticks() {
            List<Double> out = new ArrayList<>();
            for (int i = 0; from + i * step <= to + step * 1e-9; i++) {
                out.add(from + i * step);
            }
            return out;
        }

        String label(double v) {
            int decimals = (int) Math.max(0, Math.ceil(-Math.log10(step) - 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step * 1e-9 ? 0.0 : v);
        }
    }
}
