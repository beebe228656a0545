package io.txtrain.cli;

import java.util.Locale;

/** Small helpers for writing SVG and HTML text. */
final class Svg {
    private Svg() {
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A coordinate with one decimal. */
    static String n(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    static String line(double x1, double y1, double x2, double y2, String cls) {
        return "<line class=\"" + cls + "\" x1=\"" + n(x1) + "\" y1=\"" + n(y1) + "\" x2=\"" + n(x2) + "\" y2=\""
                + n(y2) + "\"/>";
    }

    static String text(double x, double y, String cls, String anchor, String s) {
        return "<text class=\"" + cls + "\" x=\"" + n(x) + "\" y=\"" + n(y) + "\" text-anchor=\"" + anchor + "\">"
                + esc(s) + "</text>";
    }

    static String rect(double x, double y, double w, double h, String cls, String title) {
        return "<rect class=\"" + cls + "\" x=\"" + n(x) + "\" y=\"" + n(y) + "\" width=\"" + n(Math.max(w, 0))
                + "\" height=\"" + n(h) + "\">" + title(title) + "</rect>";
    }

    static String title(String t) {
        return t == null ? "" : "<title>" + esc(t) + "</title>";
    }
}
