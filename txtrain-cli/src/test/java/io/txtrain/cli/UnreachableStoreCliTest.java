package io.txtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.txtrain.core.testing.SilentServer;

/**
 * {@code txtrain} on an hdfs:// URI that cannot be reached fails within a bounded time (the README's
 * bound, about a minute, times three as the test's deadline) with one line naming the URI and a hint,
 * and prints the stack trace only with --verbose.
 */
class UnreachableStoreCliTest {
    static final Duration DEADLINE = Duration.ofMinutes(3);

    private record Result(int code, List<String> out, List<String> err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = assertTimeoutPreemptively(DEADLINE, () -> Txtrain.run(args,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
        return new Result(code, out.toString(StandardCharsets.UTF_8).lines().toList(),
                err.toString(StandardCharsets.UTF_8).lines().toList());
    }

    private static void assertOneLineError(Result r, String command, String uri) {
        assertEquals(Command.PROBLEM, r.code(), "stderr: " + r.err());
        assertEquals(2, r.err().size(), "an error line and a hint, no stack trace: " + r.err());
        assertTrue(r.err().get(0).startsWith("txtrain " + command + ": error: cannot reach " + uri + ": "), r.err().get(0));
        assertEquals("(txtrain " + command + " --verbose prints the stack trace)", r.err().get(1));
    }

    @Test
    void serverThatAcceptsAndNeverAnswersFailsWithinTheBound() throws Exception {
        try (SilentServer server = new SilentServer()) {
            String uri = server.hdfsUri() + "/runs/a";
            Result r = run("inspect", uri);
            assertOneLineError(r, "inspect", uri);
            assertTrue(r.err().get(0).contains("did not answer"), r.err().get(0));
            assertTrue(server.connections() >= 1, "the client did connect");
        }
    }

    @Test
    void refusedConnectionFailsWithinTheBound() throws Exception {
        String uri = "hdfs://127.0.0.1:" + SilentServer.closedPort() + "/runs/a";
        assertOneLineError(run("verify", uri), "verify", uri);
    }

    @Test
    void unknownHostFailsAtOnce() {
        String uri = "hdfs://no-such-namenode.invalid:8020/runs/a";
        Result r = run("inspect", uri);
        assertOneLineError(r, "inspect", uri);
        assertTrue(r.err().get(0).contains("unknown host"), r.err().get(0));
    }

    /** {@code bin/txtrain}'s JVM: the main class with the launcher's logging configuration. */
    @Test
    void commandLineProcessPrintsTheTwoLinesAndNothingElse() throws Exception {
        String uri = "hdfs://127.0.0.1:" + SilentServer.closedPort() + "/runs/a";
        List<String> cmd = new java.util.ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java",
                "-Dlog4j2.configurationFile=" + new java.io.File("../conf/log4j2-cli.properties").getAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), Txtrain.class.getName(), "inspect", uri));
        java.io.File err = java.io.File.createTempFile("txtrain-cli-", ".stderr", new java.io.File("target"));
        Process p = new ProcessBuilder(cmd).redirectError(err).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(DEADLINE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS), "txtrain did not exit");
        assertEquals(Command.PROBLEM, p.exitValue());
        List<String> lines = java.nio.file.Files.readAllLines(err.toPath());
        assertOneLineError(new Result(p.exitValue(), List.of(), lines), "inspect", uri);
    }

    @Test
    void verbosePrintsTheStackTrace() throws Exception {
        String uri = "hdfs://127.0.0.1:" + SilentServer.closedPort() + "/runs/a";
        Result r = run("inspect", uri, "--verbose");
        assertEquals(Command.PROBLEM, r.code());
        assertTrue(r.err().get(0).startsWith("txtrain inspect: error: cannot reach " + uri), r.err().get(0));
        assertTrue(r.err().stream().anyMatch(l -> l.startsWith("\tat ")), "stack trace: " + r.err());
    }
}
