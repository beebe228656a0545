package io.txtrain.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.lease.LeaseSettings;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;

/**
 * The example as a person runs it (a child JVM with the launcher's logging configuration): user
 * errors are one line naming what to fix plus a hint, never a stack trace unless --verbose; asking
 * for fewer epochs than the directory holds is refused with exit code 2 and no model line.
 */
class ExampleErrorsTest {
    static final String DATA = new File("../data/fashion-mnist-subset").getAbsolutePath();

    @TempDir
    Path tmp;

    record Run(int exit, List<String> out, List<String> err) {
        /** The lines the example printed itself (not log lines of libraries, which carry a time stamp). */
        List<String> own() {
            return err.stream().filter(l -> l.startsWith("txtrain-example") || l.startsWith("(txtrain-example")).toList();
        }

        void assertNoStackTrace() {
            assertTrue(err.stream().noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Caused by")),
                    "no stack trace on stderr: " + String.join("\n", err));
        }
    }

    private Run run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        for (String o : System.getProperty("txtrain.addOpens").split(" ")) {
            cmd.add(o);
        }
        cmd.add("-Dlog4j2.configurationFile=" + new File("../conf/log4j2.properties").getAbsolutePath());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), FashionMnistExample.class.getName()));
        cmd.addAll(List.of(args));
        File out = tmp.resolve("out-" + System.nanoTime()).toFile();
        File err = tmp.resolve("err-" + System.nanoTime()).toFile();
        Process p = new ProcessBuilder(cmd).redirectOutput(out).redirectError(err).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "example did not exit");
        return new Run(p.exitValue(), Files.readAllLines(out.toPath(), StandardCharsets.UTF_8),
                Files.readAllLines(err.toPath(), StandardCharsets.UTF_8));
    }

    private static void assertError(Run r, int exit, String first, String hint) {
        assertEquals(exit, r.exit(), "exit code; stderr:\n" + String.join("\n", r.err()));
        List<String> own = r.own();
        assertEquals(2, own.size(), "one error line and one hint: " + own);
        assertTrue(own.get(0).startsWith(first), own.get(0));
        assertEquals(hint, own.get(1));
        r.assertNoStackTrace();
    }

    @Test
    void badOptionIsAUsageError() throws Exception {
        assertError(run("--epochz", "3"), 2, "txtrain-example: unknown option --epochz",
                "(txtrain-example --help lists the options)");
        assertError(run("--epochs", "zero"), 2, "txtrain-example: --epochs 'zero': expected an integer >= 1",
                "(txtrain-example --help lists the options)");
    }

    @Test
    void missingDataNamesThePath() throws Exception {
        String missing = tmp.resolve("no-such-data").toString();
        assertError(run("--data", missing, "--checkpoint-dir", tmp.resolve("ck").toString()), 1,
                "txtrain-example: error: no train-images-idx3-ubyte[.gz] in " + missing,
                "(txtrain-example --verbose prints the stack trace)");
    }

    @Test
    void unreachableStoreNamesTheUri() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        String uri = "hdfs://127.0.0.1:" + port + "/runs/fmnist";
        Run r = run("--limit", "320", "--data", DATA, "--checkpoint-dir", uri);
        assertError(r, 1, "txtrain-example: error: cannot reach " + uri + ": connection refused",
                "(txtrain-example --verbose prints the stack trace)");
    }

    @Test
    void verbosePrintsTheStackTrace() throws Exception {
        String missing = tmp.resolve("no-such-data").toString();
        Run r = run("--data", missing, "--verbose");
        assertEquals(1, r.exit());
        assertTrue(r.err().stream().anyMatch(l -> l.startsWith("\tat ")), String.join("\n", r.err()));
    }

    @Test
    void damagedDirectoryNamesTheDirectory() throws Exception {
        Path dir = tmp.resolve("not-a-run");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("notes.txt"), "my notes");
        Run r = run("--limit", "320", "--data", DATA, "--checkpoint-dir", dir.toUri().toString());
        assertError(r, 1, "txtrain-example: error: checkpoint directory file:" + dir + " is not a txtrain directory",
                "(txtrain-example --verbose prints the stack trace)");
    }

    @Test
    void conflictingLeaseNamesTheHolder() throws Exception {
        URI dir = tmp.resolve("held").toUri();
        CoreSettings live = CoreSettings.DEFAULTS.withLease(
                new LeaseSettings(Duration.ofMillis(200), Duration.ofMinutes(10), Duration.ZERO));
        try (OpenRun holder = RecoveryDirectory.open(dir, new Configuration(), live, Map.of("run", "other"),
                "another notebook", CheckpointListener.NONE)) {
            Run r = run("--limit", "320", "--data", DATA, "--checkpoint-dir", dir.toString());
            assertError(r, 1, "txtrain-example: error: checkpoint directory file:",
                    "(txtrain-example --verbose prints the stack trace)");
            assertTrue(r.own().get(0).contains("is in use by another txtrain job") && r.own().get(0).contains(
                    "another notebook"), r.own().get(0));
        }
    }

    @Test
    void fewerEpochsThanTheDirectoryHoldsIsRefused() throws Exception {
        String dir = tmp.resolve("two-epochs").toUri().toString();
        Run two = run("--epochs", "2", "--limit", "320", "--data", DATA, "--checkpoint-dir", dir);
        assertEquals(0, two.exit(), String.join("\n", two.err()));
        Run one = run("--epochs", "1", "--limit", "320", "--data", DATA, "--checkpoint-dir", dir);
        assertError(one, 2, "txtrain-example: checkpoint directory " + dir + " already holds 2 trained epochs",
                "(txtrain-example --help lists the options)");
        assertTrue(one.own().get(0).contains("more than --epochs 1; nothing was trained and no model is reported"),
                one.own().get(0));
        assertTrue(one.out().stream().noneMatch(l -> l.startsWith("model sha256=")), "no model line: " + one.out());
        Run again = run("--epochs", "2", "--limit", "320", "--data", DATA, "--checkpoint-dir", dir);
        assertEquals(0, again.exit());
        assertEquals(two.out().get(two.out().size() - 1), again.out().get(again.out().size() - 1),
                "the directory is unchanged: the 2-epoch model");
    }
}
