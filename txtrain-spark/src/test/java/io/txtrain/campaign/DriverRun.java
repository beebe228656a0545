package io.txtrain.campaign;

import java.io.File;
import java.io.IOException;
import java.util.List;

import io.txtrain.spark.testing.ChildJvm;

/** One start of {@link CampaignDriver} as a child JVM, read line by line. */
final class DriverRun implements AutoCloseable {
    static final long LINE_TIMEOUT_S = 300;
    private final ChildJvm jvm;
    private long lastRound = -1;
    private String finalSha;
    private String error;
    private boolean ended;
    private boolean started;

    private DriverRun(ChildJvm jvm) {
        this.jvm = jvm;
    }

    static DriverRun start(File log, String dir, int epochs, int hidden, String... extra) throws IOException {
        String[] args = new String[3 + extra.length];
        args[0] = dir;
        args[1] = Integer.toString(epochs);
        args[2] = Integer.toString(hidden);
        System.arraycopy(extra, 0, args, 3, extra.length);
        return new DriverRun(ChildJvm.start(CampaignDriver.class, log, args));
    }

    /** Reads output until the Spark context is up ({@code STARTED}); false if the run ended first. */
    boolean awaitStarted() throws InterruptedException {
        while (!started) {
            if (!next()) {
                return false;
            }
        }
        return true;
    }

    /** Lets a run started with the {@code gate} argument begin training. */
    void open() throws IOException {
        jvm.send("GO");
    }

    /** Reads output until round {@code r} is committed; false if the run ended first. */
    boolean awaitRound(long r) throws InterruptedException {
        while (lastRound < r) {
            if (!next()) {
                return false;
            }
        }
        return true;
    }

    /** Reads output to the end and waits for the exit. */
    void awaitEnd() throws InterruptedException {
        while (next()) {
            // drain
        }
        int code = jvm.waitFor(120);
        if (code != 0 && error == null) {
            error = "exit code " + code;
        }
    }

    private boolean next() throws InterruptedException {
        if (ended) {
            return false;
        }
        String line = jvm.nextLine(LINE_TIMEOUT_S);
        if (line == null) {
            ended = true;
            return false;
        }
        if (line.equals("STARTED")) {
            started = true;
        } else if (line.startsWith("ROUND ")) {
            lastRound = Long.parseLong(line.substring(6).trim());
        } else if (line.startsWith("FINAL ")) {
            finalSha = line.substring(6).trim();
        } else if (line.startsWith("ERROR ")) {
            error = line.substring(6);
        }
        return true;
    }

    long lastRound() {
        return lastRound;
    }

    /** Checksum of the final parameters, or null if the run did not finish. */
    String finalSha() {
        return error == null ? finalSha : null;
    }

    String error() {
        return error;
    }

    long pid() {
        return jvm.pid();
    }

    /** The executor JVMs this driver started (local-cluster). */
    List<ProcessHandle> executors() {
        return ProcessHandle.of(jvm.pid()).map(p -> p.descendants()
                .filter(d -> d.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")).orElse(false))
                .filter(ProcessHandle::isAlive).toList()).orElse(List.of());
    }

    /** SIGKILLs the driver, and then the executors it leaves behind. */
    void kill() throws InterruptedException {
        List<ProcessHandle> children = ProcessHandle.of(jvm.pid()).map(p -> p.descendants().toList()).orElse(List.of());
        jvm.kill();
        children.forEach(ProcessHandle::destroyForcibly);
        ended = true;
    }

    /** SIGSTOP / SIGCONT of the driver JVM only. */
    void signal(String sig) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(jvm.pid())).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("kill -" + sig + " " + jvm.pid() + " failed");
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (jvm.isAlive()) {
            kill();
        }
    }
}
