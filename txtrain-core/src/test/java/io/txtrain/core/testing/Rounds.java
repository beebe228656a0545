package io.txtrain.core.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.checkpoint.VerifiedCheckpoint;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;

/**
 * Deterministic stand-ins for a trainer: the record and the state of round {@code r} are pure
 * functions of {@code r}, so any process can tell what a recovered record or checkpoint must be.
 */
public final class Rounds {
    /** Run identity used by every test run. */
    public static final Map<String, String> RUN = Map.of("network", "mlp-4x64-sha:0f3a", "data", "iris-v1",
            "averaging", "every 5 iterations");
    /** Makes one record about 450 bytes, so a 4096-byte segment rolls every ~8 rounds. */
    private static final String PAD = "x".repeat(300);

    private Rounds() {
    }

    public static RoundRecord record(long round) {
        return record(round, checksum(round));
    }

    public static RoundRecord record(long round, byte[] stateChecksum) {
        return new RoundRecord(round, (int) (round / 10), (int) (round % 10), 10, new long[] {round * 31, round * 37},
                Map.of("learningRate", "0.01"), "split-" + round, 150, 1.0 / round, stateChecksum,
                1_700_000_000_000L + round, Map.of("pad", PAD));
    }

    /** SHA-256 of the (pretend) state after round {@code r}. */
    public static byte[] checksum(long round) {
        return sha256("state-" + round);
    }

    public static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    public static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** The trainer state after round {@code r}: parameters of {@code bytes} bytes, updater state, counters. */
    public static Map<String, byte[]> state(long round, int bytes) {
        byte[] params = new byte[bytes];
        new Random(round).nextBytes(params);
        byte[] updater = new byte[bytes / 4 + 1];
        new Random(-round).nextBytes(updater);
        return Map.of("params", params, "updater", updater,
                "counters", ("round=" + round).getBytes(StandardCharsets.UTF_8));
    }

    public static Map<String, byte[]> state(long round) {
        return state(round, 4096);
    }

    public static OpenRun open(TestFs fs, URI dir, CoreSettings settings, CheckpointListener listener)
            throws IOException {
        return RecoveryDirectory.open(dir, fs.conf(), settings, RUN, "test " + fs.scheme(), listener);
    }

    public static void commit(OpenRun run, long from, long to) throws IOException {
        for (long r = from; r <= to; r++) {
            run.commit(record(r));
        }
    }

    /** Snapshot of the committed round {@code r} (its true state), persisted on this thread. */
    public static boolean checkpoint(OpenRun run, long round) {
        CheckpointSnapshot snap = run.snapshot(round, checksum(round), state(round));
        return run.checkpoints().persistNow(snap);
    }

    /** Plan of a directory as a reader that takes no lease sees it. */
    public static RecoveryPlan inspect(TestFs fs, URI dir) throws IOException {
        return RecoveryDirectory.inspect(dir, fs.conf());
    }

    /** The text (an error message, a lease holder description) names every one of {@code parts}. */
    public static void assertMentions(String text, String... parts) {
        for (String p : parts) {
            assertTrue(String.valueOf(text).contains(p), "should mention '" + p + "': " + text);
        }
    }

    public static void assertMentions(Throwable e, String... parts) {
        assertMentions(e.getMessage(), parts);
    }

    /** The records are exactly rounds {@code from..to} as {@link #record} makes them. */
    public static void assertRounds(List<RoundRecord> records, long from, long to) {
        assertEquals(to - from + 1, records.size(), () -> "expected rounds " + from + ".." + to + ", got "
                + records.stream().map(RoundRecord::round).toList());
        for (int i = 0; i < records.size(); i++) {
            assertEquals(record(from + i), records.get(i), "record " + i);
        }
    }

    /** The plan starts from the true state of round {@code startRound} and replays up to {@code last}. */
    public static void assertPlan(RecoveryPlan plan, long startRound, long last) {
        assertEquals(startRound, plan.startRound(), "start round; rejected: " + plan.rejected());
        if (startRound > 0) {
            assertState(plan.start(), startRound);
        }
        assertRounds(plan.replay(), startRound + 1, last);
        assertEquals(last + 1, plan.nextRound(), "next round");
    }

    public static void assertState(VerifiedCheckpoint cp, long round) {
        assertEquals(round, cp.round());
        assertArrayEquals(checksum(round), cp.manifest().stateChecksum(), "state checksum of checkpoint " + round);
        Map<String, byte[]> expected = state(round, cp.blobs().get("params").length);
        assertEquals(expected.keySet(), cp.blobs().keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, cp.blobs().get(k), "blob " + k));
    }
}
