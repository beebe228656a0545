package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.spark.testing.ChildJvm;

/**
 * A driver restarted on another host, as YARN application attempts, a Kubernetes operator and
 * standalone {@code --supervise} do it: the first driver (host "node-a") is killed with SIGKILL and
 * a new one (host "node-b", so the old holder's death cannot be proven) starts at once, with the
 * default {@code spark.txtrain.lease.acquireWait}. It waits for the old lease to expire, takes over
 * and ends with the checksum of a run that never failed. A second job started while the first
 * is alive is refused.
 */
class DriverRestartElsewhereTest {
    static final String EPOCHS = "2";
    static final String HIDDEN = "64";
    /** Longer than a driver's start, so the new driver meets a lease that has not expired. */
    static final String LEASE_TIMEOUT = "60s";

    @TempDir
    Path tmp;

    private static List<String> host(String name) {
        return List.of("-Dtxtrain.lease.host=" + name);
    }

    private static String runToEnd(ChildJvm child, File log) throws Exception {
        String line;
        String fin = null;
        while ((line = child.nextLine(240)) != null) {
            if (line.startsWith("FINAL ")) {
                fin = line.substring(6);
            }
        }
        assertEquals(0, child.waitFor(60), "child failed; see " + log);
        return fin;
    }

    /** Reads ROUND lines until round {@code n} is committed. */
    private static void awaitRound(ChildJvm child, long n) throws Exception {
        String line;
        while ((line = child.nextLine(240)) != null) {
            if (line.startsWith("ROUND ") && Long.parseLong(line.substring(6)) >= n) {
                return;
            }
        }
        throw new AssertionError("the child ended before round " + n);
    }

    @Test
    void driverRestartedOnAnotherHostWaitsForTheLeaseTakesOverAndResumesBitIdentically() throws Exception {
        File log = new File("target/driver-restart-elsewhere.log");
        String expected;
        try (ChildJvm clean = ChildJvm.start(TrainingChild.class, log, host("node-a"),
                tmp.resolve("clean").toUri().toString(), EPOCHS, HIDDEN, LEASE_TIMEOUT)) {
            expected = runToEnd(clean, log);
        }
        String dir = tmp.resolve("restarted").toUri().toString();
        try (ChildJvm first = ChildJvm.start(TrainingChild.class, log, host("node-a"), dir, EPOCHS, HIDDEN,
                LEASE_TIMEOUT)) {
            awaitRound(first, 7);
            first.kill();
        }
        long killedAt = RecoveryDirectory.inspect(java.net.URI.create(dir), new Configuration()).lastCommittedRound();
        File restartLog = new File("target/driver-restart-elsewhere-" + System.nanoTime() + ".log");
        try (ChildJvm second = ChildJvm.start(TrainingChild.class, restartLog, host("node-b"), dir, EPOCHS, HIDDEN,
                LEASE_TIMEOUT)) {
            assertEquals(expected, runToEnd(second, restartLog), "resumed run ends with the fault-free model");
        }
        String stderr = Files.readString(restartLog.toPath());
        assertTrue(stderr.contains("waiting up to 60 s (spark.txtrain.lease.timeout)"),
                "the new driver says what it waits for; stderr:\n" + stderr);
        RecoveryPlan plan = RecoveryDirectory.inspect(java.net.URI.create(dir), new Configuration());
        var starts = plan.chain().recoveries();
        var takeover = starts.get(starts.size() - 1);
        assertTrue(takeover.previousHolder().contains("node-a"), takeover.previousHolder());
        assertTrue(takeover.previousCrashed(), "the killed driver did not release its lease");
        assertTrue(killedAt >= 7 && takeover.nextRound() == killedAt + 1,
                "resumed after the last committed round " + killedAt + ": " + takeover);
    }

    @Test
    void secondLiveJobOnAnotherHostIsRefused() throws Exception {
        File log = new File("target/driver-restart-elsewhere-live.log");
        String dir = tmp.resolve("live").toUri().toString();
        // many epochs: the first job is still training when the second has started and looked
        try (ChildJvm first = ChildJvm.start(TrainingChild.class, log, host("node-a"), dir, "40", HIDDEN,
                LEASE_TIMEOUT)) {
            awaitRound(first, 2);
            File secondLog = new File("target/driver-restart-elsewhere-live-" + System.nanoTime() + ".log");
            try (ChildJvm second = ChildJvm.start(TrainingChild.class, secondLog, host("node-b"), dir, "40", HIDDEN,
                    LEASE_TIMEOUT)) {
                int exit = second.waitFor(120);
                assertNotEquals(0, exit, "the second job must not train");
                String stderr = Files.readString(secondLog.toPath());
                assertTrue(stderr.contains("is in use by another txtrain job") && stderr.contains("node-a")
                        && stderr.contains("heartbeat advanced"), "refusal names the live holder; stderr:\n" + stderr);
            }
            assertTrue(first.isAlive(), "the first job is not disturbed");
        }
    }
}
