package io.txtrain.spark.testing;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A child JVM running a main class of this module, with its stdout lines readable as they come. */
public final class ChildJvm implements AutoCloseable {
    private static final String EOF = "\u0000EOF";
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> all = java.util.Collections.synchronizedList(new ArrayList<>());

    private ChildJvm(Process process, File stdout) {
        this.process = process;
        io.txtrain.testing.StdoutFile.follow(process, stdout, line -> {
            if (line == null) {
                lines.add(EOF);
            } else {
                all.add(line);
                lines.add(line);
            }
        });
    }

    /** Starts {@code mainClass} with this JVM's classpath and the Java 17 flags; stderr goes to {@code log}. */
    public static ChildJvm start(Class<?> mainClass, File log, String... args) throws IOException {
        return start(mainClass, log, List.of(), java.util.Map.of("OMP_NUM_THREADS", "1"), args);
    }

    /** As {@link #start(Class, File, String...)}, with extra JVM options such as {@code -Dkey=value}. */
    public static ChildJvm start(Class<?> mainClass, File log, List<String> jvmOptions, String... args)
            throws IOException {
        return start(mainClass, log, jvmOptions, java.util.Map.of("OMP_NUM_THREADS", "1"), args);
    }

    /**
     * As {@link #start(Class, File, String...)}, with these environment variables set in the child
     * (a null value removes the variable).
     */
    public static ChildJvm start(Class<?> mainClass, File log, java.util.Map<String, String> env, String... args)
            throws IOException {
        return start(mainClass, log, List.of(), env, args);
    }

    /** The general form: extra JVM options and environment variables (null removes one). */
    public static ChildJvm start(Class<?> mainClass, File log, List<String> jvmOptions,
            java.util.Map<String, String> env, String... args)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.add("-Xmx" + System.getProperty("txtrain.childXmx", "1g"));
        cmd.addAll(jvmOptions);
        for (String opt : SparkTestSupport.ADD_OPENS.split(" ")) {
            if (!opt.isBlank()) {
                cmd.add(opt);
            }
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(List.of(args));
        File stdout = File.createTempFile("child-", ".stdout", log.getAbsoluteFile().getParentFile());
        stdout.deleteOnExit();
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log))
                .redirectOutput(stdout);
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        return new ChildJvm(pb.start(), stdout);
    }

    /** Next stdout line, or null at end of output; fails after the timeout. */
    public String nextLine(long timeoutSeconds) throws InterruptedException {
        String l = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
        if (l == null) {
            throw new AssertionError("child printed nothing for " + timeoutSeconds + " s; output so far: " + all);
        }
        return l.equals(EOF) ? null : l;
    }

    public List<String> output() {
        synchronized (all) {
            return new ArrayList<>(all);
        }
    }

    /** Writes one line to the child's stdin. */
    public void send(String line) throws IOException {
        var in = process.getOutputStream();
        in.write((line + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        in.flush();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, then wait for the process to be gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
    }

    public int waitFor(long timeoutSeconds) throws InterruptedException {
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("child did not exit within " + timeoutSeconds + " s");
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
