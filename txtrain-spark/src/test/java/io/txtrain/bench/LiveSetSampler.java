package io.txtrain.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;

import javax.management.ObjectName;

/**
 * Samples this JVM's live set: a class histogram (jcmd's GC.class_histogram, in process), which
 * collects all garbage before counting, every {@code periodMs}; keeps the largest total and the
 * largest total of {@code byte[]}. Each sample is a full collection, so it slows what it measures.
 */
final class LiveSetSampler {
    private final Thread thread;
    private volatile boolean stop;
    private long maxTotal;
    private long maxByteArrays;
    private int samples;

    private LiveSetSampler(long periodMs) {
        thread = new Thread(() -> {
            while (!stop) {
                sample();
                try {
                    Thread.sleep(periodMs);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "live-set-sampler");
        thread.setDaemon(true);
    }

    static LiveSetSampler start(long periodMs) {
        LiveSetSampler s = new LiveSetSampler(periodMs);
        s.thread.start();
        return s;
    }

    /** Stops sampling; returns {@code <maxLiveMB> <maxByteArraysMB> <samples>}. */
    String stop() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join();
        synchronized (this) {
            return String.format(Locale.ROOT, "%d %d %d", maxTotal >> 20, maxByteArrays >> 20, samples);
        }
    }

    private void sample() {
        String histogram;
        try {
            histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
        } catch (Exception e) {
            throw new IllegalStateException("class histogram failed", e);
        }
        long total = 0;
        long byteArrays = 0;
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 3 && f[0].equals("Total")) {
                total = Long.parseLong(f[2]);
            } else if (f.length >= 4 && f[3].equals("[B")) {
                byteArrays = Long.parseLong(f[2]);
            }
        }
        synchronized (this) {
            maxTotal = Math.max(maxTotal, total);
            maxByteArrays = Math.max(maxByteArrays, byteArrays);
            samples++;
        }
    }
}
