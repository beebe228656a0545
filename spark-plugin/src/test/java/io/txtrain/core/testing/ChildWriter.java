package io.txtrain.core.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;

/**
 * A writer in its own JVM, to be killed with SIGKILL. It opens the run given as the first argument
 * (further arguments are {@code key=value} Hadoop settings), prints {@code EPOCH e}, then commits
 * {@link Rounds#record} rounds as fast as it can, printing {@code COMMITTED r} after each commit
 * has returned, and persists a checkpoint every 4 rounds in the background ({@code CHECKPOINT r}
 * once published). Segments are 4096 bytes, so a kill can land during a roll or a persist.
 */
public final class ChildWriter {
    private static final long MAX_ROUNDS = 20_000; // a safety stop; the test kills it long before

    public static void main(String[] args) throws Exception {
        Configuration conf = new Configuration();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            conf.set(kv[0], kv[1]);
        }
        PrintStream out = System.out;
        CheckpointListener listener = new CheckpointListener() {
            @Override
            public void published(CheckpointRef ref, long bytes, long persistNanos) {
                out.println("CHECKPOINT " + ref.round());
            }

            @Override
            public void failed(long round, Throwable error) {
                out.println("CHECKPOINT-FAILED " + round + " " + error);
            }
        };
        try (OpenRun run = RecoveryDirectory.open(URI.create(args[0]), conf, CoreSettings.DEFAULTS.withSegmentBytes(4096),
                Rounds.RUN, "child writer", listener)) {
            out.println("EPOCH " + run.writerEpoch());
            for (long r = run.nextRound(); r < MAX_ROUNDS; r++) {
                run.commit(Rounds.record(r));
                out.println("COMMITTED " + r);
                if (r % 4 == 0) {
                    run.checkpoints().persistAsync(run.snapshot(r, Rounds.checksum(r), Rounds.state(r)));
                }
            }
        }
    }

    /** Starts a child writer on {@code dir}; its stderr goes to {@code stderr}. */
    public static Handle start(URI dir, Map<String, String> conf, File stderr) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        String opens = System.getProperty("txtrain.addOpens", "").trim();
        if (!opens.isEmpty()) {
            cmd.addAll(List.of(opens.split("\\s+")));
        }
        cmd.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ChildWriter.class.getName(), dir.toString()));
        conf.forEach((k, v) -> cmd.add(k + "=" + v));
        stderr.getParentFile().mkdirs();
        Process p = new ProcessBuilder(cmd).redirectError(stderr).start();
        return new Handle(p, stderr);
    }

    /** A running child writer and every line it printed so far. */
    public static final class Handle implements AutoCloseable {
        private final Process process;
        private final File stderr;
        private final List<String> lines = new ArrayList<>();
        private final Thread reader;

        Handle(Process process, File stderr) {
            this.process = process;
            this.stderr = stderr;
            this.reader = new Thread(this::readLines, "child-writer-stdout");
            reader.setDaemon(true);
            reader.start();
        }

        private void readLines() {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(l);
                    }
                }
            } catch (IOException e) {
                // process gone
            }
        }

        public long pid() {
            return process.pid();
        }

        public List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        /** Values {@code v} of the printed lines {@code "<prefix> v"}, in order. */
        public List<Long> values(String prefix) {
            List<Long> v = new ArrayList<>();
            for (String l : lines()) {
                if (l.startsWith(prefix + " ")) {
                    v.add(Long.parseLong(l.substring(prefix.length() + 1).trim()));
                }
            }
            return v;
        }

        /** Waits until the child printed {@code n} lines with {@code prefix} (and is still alive). */
        public void awaitCount(String prefix, int n, Duration timeout) throws InterruptedException {
            Poll.until(n + " '" + prefix + "' lines from the child writer (see " + stderr + ")", timeout, () -> {
                if (!process.isAlive() && values(prefix).size() < n) {
                    throw new AssertionError("child writer exited with " + process.exitValue() + "; see " + stderr
                            + "; output: " + lines());
                }
                return values(prefix).size() >= n;
            });
        }

        /** SIGKILL, then everything the child printed before it died. */
        public List<String> kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("child writer " + process.pid() + " survived SIGKILL");
            }
            reader.join(TimeUnit.SECONDS.toMillis(30));
            return lines();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
