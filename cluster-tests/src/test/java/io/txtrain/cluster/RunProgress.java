package io.txtrain.cluster;

import java.util.Optional;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.recovery.RecoveryDirectory;

/** What the cluster tests wait for: committed rounds in a checkpoint directory, a driver's process. */
final class RunProgress {
    private RunProgress() {
    }

    /**
     * Waits until {@code dir} holds at least {@code rounds} committed rounds; returns the count.
     *
     * @param running the process training into {@code dir}, or null: its early end fails the wait
     */
    static long awaitCommitted(Configuration conf, String dir, long rounds, int seconds, Process running)
            throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            if (running != null && !running.isAlive()) {
                throw new AssertionError("the run ended before " + rounds + " rounds were committed (exit "
                        + running.exitValue() + ")");
            }
            try {
                long c = RecoveryDirectory.inspect(java.net.URI.create(dir), conf).lastCommittedRound();
                if (c >= rounds) {
                    return c;
                }
            } catch (java.io.IOException notYet) {
                // directory not created yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("fewer than " + rounds + " rounds committed after " + seconds + " s");
    }

    /**
     * The JVM running the example's driver inside {@code launcherClass} (a Worker's or YARN's); not
     * a shell that launched it (YARN starts containers through bash, whose command line names the
     * same class).
     */
    static Optional<ProcessHandle> exampleDriver(String launcherClass) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .filter(p -> p.info().commandLine().map(c -> c.contains(launcherClass)
                        && c.contains("FashionMnistExample")).orElse(false))
                .findFirst();
    }
}
