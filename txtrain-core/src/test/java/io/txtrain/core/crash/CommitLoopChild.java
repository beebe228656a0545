package io.txtrain.core.crash;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.checkpoint.VerifiedCheckpoint;
import io.txtrain.core.lease.LeaseSettings;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;

/**
 * The process that {@link CrashRecoveryTest} kills with SIGKILL. It opens the checkpoint
 * directory like a restarted driver, verifies the recovery plan against {@link DeterministicState}
 * (the start checkpoint's blobs and every record to replay), then commits rounds from the plan's
 * next round on, printing {@code COMMITTED r} after each commit returns, and every few rounds
 * persists an asynchronous checkpoint of the committed state.
 *
 * <p>Arguments ({@code --name=value}): {@code dir} (URI), {@code stop} (last round; the process
 * then closes the run and exits 0), {@code checkpointEvery}, {@code stateBytes},
 * {@code segmentBytes}, {@code leaseHeartbeatMs}, {@code leaseTimeoutMs}, {@code acquireWaitMs},
 * and any number of {@code --conf=key=value} Hadoop settings.
 *
 * <p>Output lines: {@code OPENED epoch start replay next openMillis}, {@code COMMITTED r}, {@code PERSIST r},
 * {@code PUBLISHED r}, {@code PERSIST-FAILED r error}, {@code VERIFY-FAILED what}, {@code DONE}.
 * Exit codes: 0 done, 3 verification failed, 4 any other error, 5 stdin closed (the test is gone).
 */
public final class CommitLoopChild {
    static final int EXIT_VERIFY_FAILED = 3;
    static final int EXIT_ERROR = 4;

    private CommitLoopChild() {
    }

    public static void main(String[] args) {
        exitWhenParentGoes();
        PrintStream out = System.out;
        try {
            run(args, out);
            out.println("DONE");
            out.flush();
            System.exit(0);
        } catch (VerifyFailed e) {
            out.println("VERIFY-FAILED " + e.getMessage());
            out.flush();
            System.exit(EXIT_VERIFY_FAILED);
        } catch (Throwable t) {
            t.printStackTrace();
            out.println("ERROR " + t);
            out.flush();
            System.exit(EXIT_ERROR);
        }
    }

    private static void run(String[] args, PrintStream out) throws Exception {
        URI dir = null;
        long stop = Long.MAX_VALUE;
        int checkpointEvery = 5;
        int stateBytes = 256 << 10;
        long segmentBytes = 64L << 20;
        long heartbeatMs = 200;
        long timeoutMs = 2000;
        long acquireWaitMs = 15_000;
        Configuration conf = new Configuration();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("bad argument " + a);
            }
            String k = a.substring(2, eq);
            String v = a.substring(eq + 1);
            switch (k) {
                case "dir" -> dir = URI.create(v);
                case "stop" -> stop = Long.parseLong(v);
                case "checkpointEvery" -> checkpointEvery = Integer.parseInt(v);
                case "stateBytes" -> stateBytes = Integer.parseInt(v);
                case "segmentBytes" -> segmentBytes = Long.parseLong(v);
                case "leaseHeartbeatMs" -> heartbeatMs = Long.parseLong(v);
                case "leaseTimeoutMs" -> timeoutMs = Long.parseLong(v);
                case "acquireWaitMs" -> acquireWaitMs = Long.parseLong(v);
                case "conf" -> {
                    int e2 = v.indexOf('=');
                    conf.set(v.substring(0, e2), v.substring(e2 + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required");
        }
        CoreSettings settings = CoreSettings.DEFAULTS.withSegmentBytes(segmentBytes).withLease(new LeaseSettings(
                Duration.ofMillis(heartbeatMs), Duration.ofMillis(timeoutMs), Duration.ofMillis(acquireWaitMs)));
        CheckpointListener listener = new CheckpointListener() {
            @Override
            public void published(CheckpointRef ref, long bytes, long persistNanos) {
                line(out, "PUBLISHED " + ref.round());
            }

            @Override
            public void failed(long round, Throwable error) {
                line(out, "PERSIST-FAILED " + round + " " + error);
            }
        };
        final int paramBytes = stateBytes;
        long t0 = System.nanoTime();
        try (OpenRun run = RecoveryDirectory.open(dir, conf, settings,
                Map.of("run", "crash-test", "stateBytes", Integer.toString(stateBytes)),
                "crash-child", listener)) {
            RecoveryPlan plan = run.plan();
            verify(plan, paramBytes);
            line(out, "OPENED " + run.writerEpoch() + " " + (plan.start() == null ? -1 : plan.startRound()) + " "
                    + plan.replay().size() + " " + run.nextRound() + " " + (System.nanoTime() - t0) / 1_000_000);
            for (long r = run.nextRound(); r <= stop; r++) {
                Map<String, byte[]> blobs = DeterministicState.blobs(r, paramBytes);
                byte[] checksum = DeterministicState.checksum(blobs);
                run.commit(DeterministicState.record(r, checksum));
                line(out, "COMMITTED " + r);
                if (r % checkpointEvery == 0 && !run.checkpoints().persistInFlight()) {
                    CheckpointSnapshot snap = run.snapshot(r, checksum, blobs);
                    if (run.checkpoints().persistAsync(snap)) {
                        line(out, "PERSIST " + r);
                    }
                }
            }
        }
    }

    /** What a trainer does on recovery: load the start state, replay and compare each record. */
    private static void verify(RecoveryPlan plan, int paramBytes) throws VerifyFailed {
        long round = 0;
        VerifiedCheckpoint start = plan.start();
        if (start != null) {
            round = start.round();
            byte[] expected = DeterministicState.checksum(round, paramBytes);
            if (!Arrays.equals(expected, start.manifest().stateChecksum())
                    || !Arrays.equals(expected, DeterministicState.checksum(start.blobs()))) {
                throw new VerifyFailed("start checkpoint of round " + round + " does not hold that round's state");
            }
        }
        for (RoundRecord rec : plan.replay()) {
            if (rec.round() != round + 1) {
                throw new VerifyFailed("replay jumps from round " + round + " to " + rec.round());
            }
            round = rec.round();
            byte[] expected = DeterministicState.checksum(round, paramBytes);
            if (!Arrays.equals(expected, rec.stateChecksum())) {
                throw new VerifyFailed("replayed round " + round + " gives state " + HexFormat.of().formatHex(expected)
                        + ", the log says " + rec.stateChecksumHex());
            }
        }
        if (round != plan.lastCommittedRound()) {
            throw new VerifyFailed("replay ends at round " + round + " but the plan's last committed round is "
                    + plan.lastCommittedRound());
        }
    }

    /** The test keeps our stdin open; EOF means it is gone, and so must we be. */
    private static void exitWhenParentGoes() {
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever sent
                }
            } catch (java.io.IOException e) {
                // treat like EOF
            }
            Runtime.getRuntime().halt(5);
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }

    private static void line(PrintStream out, String s) {
        synchronized (out) {
            out.println(s);
            out.flush();
        }
    }

    private static final class VerifyFailed extends Exception {
        VerifyFailed(String message) {
            super(message);
        }
    }
}
