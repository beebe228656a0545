package io.txtrain.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example as a user runs it: SIGINT stops it cleanly after a committed round with a non-zero
 * exit and a resume hint; running it again resumes and ends with the uninterrupted run's checksum;
 * running it once more after it finished ends at once with the same last line.
 */
class ExampleInterruptTest {
    @TempDir
    Path tmp;

    private Process start(Path dir) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        for (String o : System.getProperty("txtrain.addOpens").split(" ")) {
            cmd.add(o);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FashionMnistExample.class.getName(),
                "--epochs", "1", "--limit", "1000", "--data", new File("../data/fashion-mnist-subset").getPath(),
                "--checkpoint-dir", dir.toUri().toString()));
        return new ProcessBuilder(cmd).redirectError(new File("target/example-interrupt.log")).start();
    }

    /** Reads stdout until the process ends, or until a line starts with {@code stopAt} (then sends SIGINT). */
    private List<String> run(Process p, String stopAt) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean signalled = false;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (!signalled && stopAt != null && line.contains(stopAt)) {
                    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
                    signalled = true;
                }
            }
        }
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "example did not exit");
        return lines;
    }

    /** Reads stdout until a line contains {@code killAt}, then SIGKILLs the process. */
    private List<String> runAndKill(Process p, String killAt) throws Exception {
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
                if (line.contains(killAt)) {
                    p.destroyForcibly();
                    break;
                }
            }
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "example did not die");
        return lines;
    }

    private static String last(List<String> lines) {
        return lines.get(lines.size() - 1);
    }

    /**
     * Whether this JVM started with SIGINT ignored, as every process of a background job without
     * job control does ({@code (cmd &)} in a script); its children then ignore it too (Linux).
     */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << 1)) != 0; // bit of signal 2
            }
        }
        return false;
    }

    @Test
    void interruptedRunResumesToTheSameModel() throws Exception {
        assumeFalse(sigintIgnored(), "SIGINT is ignored in this process tree (a background job without job control):"
                + " the example cannot receive it; run the tests in the foreground");
        Process clean = start(tmp.resolve("clean"));
        List<String> cleanOut = run(clean, null);
        assertEquals(0, clean.exitValue(), String.join("\n", cleanOut));
        assertTrue(last(cleanOut).matches("model sha256=[0-9a-f]{64}"), last(cleanOut));

        Path dir = tmp.resolve("interrupted");
        Process first = start(dir);
        List<String> firstOut = run(first, "round    2");
        assertEquals(130, first.exitValue(), String.join("\n", firstOut));
        assertTrue(last(firstOut).startsWith("interrupted: stopped cleanly after round ")
                && last(firstOut).endsWith("run the same command again to resume"), last(firstOut));

        List<String> resumed = run(start(dir), null);
        assertEquals(last(cleanOut), last(resumed), "resumed run ends with the same model");
        List<String> again = run(start(dir), null);
        assertEquals(last(cleanOut), last(again), "a finished run ends at once with the same line");
        assertTrue(again.stream().noneMatch(l -> l.startsWith("epoch ")), "no round was trained again: " + again);
    }

    /** After a crash the committed rounds since the last checkpoint are replayed: shown as replays. */
    @Test
    void replayedRoundsAfterACrashAreShownAsReplays() throws Exception {
        Path dir = tmp.resolve("killed");
        List<String> before = runAndKill(start(dir), "round    3");
        List<String> resumed = run(start(dir), null);
        assertTrue(last(resumed).matches("model sha256=[0-9a-f]{64}"), String.join("\n", resumed));
        List<String> replays = resumed.stream().filter(l -> l.startsWith("replayed round ")).toList();
        assertTrue(replays.size() >= 3 && replays.get(0).startsWith("replayed round    1/"),
                "rounds 1.. were committed before the kill and replayed from checkpoint 0: " + resumed);
        assertTrue(resumed.stream().filter(l -> l.startsWith("epoch ")).noneMatch(l -> l.contains("round    1/")),
                "a replayed round is not shown as training progress: " + resumed);
        assertTrue(before.stream().anyMatch(l -> l.startsWith("epoch 1/1  round    3/")), before.toString());
    }
}
