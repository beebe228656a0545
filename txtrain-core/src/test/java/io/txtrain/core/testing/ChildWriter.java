package io.txtrain.core.testing;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

    /**
     * Starts a child writer on {@code dir}. Its stdout goes to {@code <logs>.out} (a file, not a
     * pipe: {@link Process#destroyForcibly()} closes the pipe and drops what was not read yet, a
     * file keeps every line the child wrote before it died), its stderr to {@code <logs>.err}.
     */
    public static Handle start(URI dir, Map<String, String> conf, File logs) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        String opens = System.getProperty("txtrain.addOpens", "").trim();
        if (!opens.isEmpty()) {
            cmd.addAll(List.of(opens.split("\\s+")));
        }
        cmd.addAll(List.of("-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                ChildWriter.class.getName(), dir.toString()));
        conf.forEach((k, v) -> cmd.add(k + "=" + v));
        logs.getAbsoluteFile().getParentFile().mkdirs();
        File out = new File(logs.getPath() + ".out");
        File err = new File(logs.getPath() + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
        return new Handle(p, out, err);
    }

    /** A running child writer and the lines it printed. */
    public static final class Handle implements AutoCloseable {
        private final Process process;
        private final File out;
        private final File err;

        Handle(Process process, File out, File err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        public long pid() {
            return process.pid();
        }

        /** Every complete line printed so far. */
        public List<String> lines() throws IOException {
            String text = Files.readString(out.toPath(), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
            lines.remove(lines.size() - 1); // empty, or a line still being written
            return lines;
        }

        /** Values {@code v} of the printed lines {@code "<prefix> v"}, in order. */
        public List<Long> values(String prefix) throws IOException {
            return values(lines(), prefix);
        }

        public static List<Long> values(List<String> lines, String prefix) {
            List<Long> v = new ArrayList<>();
            for (String l : lines) {
                if (l.startsWith(prefix + " ")) {
                    v.add(Long.parseLong(l.substring(prefix.length() + 1).trim()));
                }
            }
            return v;
        }

        /** Waits until the child printed {@code n} lines with {@code prefix}. */
        public void awaitCount(String prefix, int n, Duration timeout) throws InterruptedException {
            Poll.until(n + " '" + prefix + "' lines from the child writer (see " + err + ")", timeout, () -> {
                if (!process.isAlive() && values(prefix).size() < n) {
                    throw new AssertionError("child writer exited with " + process.exitValue() + "; see " + err
                            + "; output: " + lines());
                }
                return values(prefix).size() >= n;
            });
        }

        /** SIGKILL, then everything the child printed before it died. */
        public List<String> kill() throws InterruptedException, IOException {
            process.destroyForcibly();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("child writer " + process.pid() + " survived SIGKILL");
            }
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
