package io.txtrain.core.crash;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import io.txtrain.core.log.RoundRecord;

/**
 * The "trainer state" of the crash tests: after round {@code r} it is a function of {@code r}
 * alone, so whoever recovers can recompute it and check records and checkpoints against it.
 */
public final class DeterministicState {
    private DeterministicState() {
    }

    /** The blobs after round {@code r} (round 0 is the initial state). */
    public static Map<String, byte[]> blobs(long round, int paramBytes) {
        SplittableRandom rnd = new SplittableRandom(0x9E3779B97F4A7C15L * (round + 1));
        byte[] params = new byte[paramBytes];
        rnd.nextBytes(params);
        byte[] updater = new byte[paramBytes / 2];
        rnd.nextBytes(updater);
        byte[] counters = ByteBuffer.allocate(16).putLong(round).putLong(round * 128).array();
        Map<String, byte[]> m = new TreeMap<>();
        m.put("params", params);
        m.put("updater", updater);
        m.put("counters", counters);
        return m;
    }

    /** SHA-256 over the blobs in name order, each preceded by its name and length. */
    public static byte[] checksum(Map<String, byte[]> blobs) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, byte[]> e : new TreeMap<>(blobs).entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update(ByteBuffer.allocate(8).putLong(e.getValue().length).array());
                md.update(e.getValue());
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] checksum(long round, int paramBytes) {
        return checksum(blobs(round, paramBytes));
    }

    /** The log record of round {@code r} with the given state checksum. */
    public static RoundRecord record(long round, byte[] checksum) {
        return new RoundRecord(round, (int) (round / 100), (int) (round % 100), 100,
                new long[] {round * 31, round * 37}, Map.of("learningRate", "0.01"), "split-" + round, 128,
                1.0 / round, checksum, System.currentTimeMillis(), Map.of("trainer", "crash-test"));
    }
}
