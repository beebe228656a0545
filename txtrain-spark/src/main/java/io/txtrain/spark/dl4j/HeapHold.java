package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import io.txtrain.spark.TxtrainSettings;

/**
 * Test hook ({@code spark.txtrain.test.holdHeap = "first-last:fraction"}): while an executor runs
 * a task of a round in {@code [first, last]} it holds {@code fraction} of its heap limit; the first
 * task of a later round releases it and collects the garbage. Simulates an executor whose heap
 * fills up and then recovers. Off unless configured.
 */
final class HeapHold implements Serializable {
    private static final long serialVersionUID = 1L;
    // below half a G1 region of small heaps, so blocks are not humongous (which would hold twice their size)
    private static final int BLOCK = 256 << 10;
    private static final List<byte[]> HELD = new ArrayList<>();

    private final long first;
    private final long last;
    private final double fraction;

    private HeapHold(long first, long last, double fraction) {
        this.first = first;
        this.last = last;
        this.fraction = fraction;
    }

    static HeapHold parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return new HeapHold(1, 0, 0);
        }
        String expected = "': expected first-last:fraction, rounds 1 <= first <= last, fraction in (0, 0.9]";
        try {
            String[] rf = spec.trim().split(":");
            String[] r = rf[0].split("-");
            if (rf.length == 2 && r.length == 2) {
                HeapHold h = new HeapHold(Long.parseLong(r[0].trim()), Long.parseLong(r[1].trim()),
                        Double.parseDouble(rf[1].trim()));
                if (h.first >= 1 && h.last >= h.first && h.fraction > 0 && h.fraction <= 0.9) {
                    return h;
                }
            }
        } catch (NumberFormatException e) {
            // error below
        }
        throw new IllegalArgumentException(TxtrainSettings.HOLD_HEAP + " = '" + spec + expected);
    }

    /** Called at the start of each round task in the executor. */
    void atRound(long round) {
        if (fraction == 0) {
            return;
        }
        synchronized (HELD) {
            if (round >= first && round <= last) {
                long want = (long) (fraction * Runtime.getRuntime().maxMemory()) / BLOCK;
                while (HELD.size() < want) {
                    HELD.add(new byte[BLOCK]);
                }
            } else if (round > last && !HELD.isEmpty()) {
                HELD.clear();
                System.gc(); // the pressure is gone: let the next heap sample show it
            }
        }
    }
}
