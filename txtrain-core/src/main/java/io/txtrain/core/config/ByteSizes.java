package io.txtrain.core.config;

import java.util.Locale;

/** Byte sizes as Spark writes them: a number of bytes, or with a binary unit k, m, g, t (kb, mb, … too). */
public final class ByteSizes {
    private ByteSizes() {
    }

    /**
     * @throws IllegalArgumentException for anything else, negative sizes and overflow
     */
    public static long parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < t.length() && Character.isDigit(t.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new IllegalArgumentException("not a byte size: " + s);
        }
        long n = Long.parseLong(t.substring(0, i));
        int shift = switch (t.substring(i)) {
            case "", "b" -> 0;
            case "k", "kb" -> 10;
            case "m", "mb" -> 20;
            case "g", "gb" -> 30;
            case "t", "tb" -> 40;
            default -> throw new IllegalArgumentException("not a byte size: " + s);
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("byte size too large: " + s);
        }
        return n << shift;
    }
}
