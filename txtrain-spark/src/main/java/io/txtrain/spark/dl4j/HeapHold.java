package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

import io.txtrain.spark.TxtrainSettings;

/**
 * Test hook ({@code spark.txtrain.test.holdHeap = "first-last:fraction[:pause]"}): while an executor
 * runs a task of a round in {@code [first, last]} it holds {@code fraction} of its heap limit; the
 * first task of a later round releases it and collects the garbage. Simulates an executor whose heap
 * fills up and then recovers. With a pause (a duration such as {@code 250ms}) every task of the run
 * waits that long first, so that monitoring samples the executor several times per round whatever
 * the machine's speed. Off unless configured.
 */
final class HeapHold implements Serializable {
    private static final long serialVersionUID = 1L;
    // below half a G1 region of small heaps, so blocks are not humongous (which would hold twice their size)
    private static final int BLOCK = 256 << 10;
    private static final List<byte[]> HELD = new ArrayList<>();

    private final long first;
    private final long last;
    private final double fraction;
    private final long pauseMillis;

    private HeapHold(long first, long last, double fraction, long pauseMillis) {
        this.first = first;
        this.last = last;
        this.fraction = fraction;
        this.pauseMillis = pauseMillis;
    }

    static HeapHold parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return new HeapHold(1, 0, 0, 0);
        }
        String expected = "': expected first-last:fraction[:pause], rounds 1 <= first <= last, fraction in (0, 0.9],"
                + " pause a duration >= 0";
        try {
            String[] rf = spec.trim().split(":");
            String[] r = rf[0].split("-");
            if ((rf.length == 2 || rf.length == 3) && r.length == 2) {
                double pause = rf.length == 3 ? io.txtrain.core.policy.Durations.parseSeconds(rf[2]) : 0;
                HeapHold h = new HeapHold(Long.parseLong(r[0].trim()), Long.parseLong(r[1].trim()),
                        Double.parseDouble(rf[1].trim()), Math.round(pause * 1000));
                if (h.first >= 1 && h.last >= h.first && h.fraction > 0 && h.fraction <= 0.9 && pause >= 0) {
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
        if (pauseMillis > 0) {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
