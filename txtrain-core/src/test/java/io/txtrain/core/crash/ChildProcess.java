package io.txtrain.core.crash;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;

/**
 * A child JVM running {@link CommitLoopChild}, with its stdout collected line by line on a thread.
 * The JVM is kept light: only the jars the recovery core needs (no Spark, no DL4J), C1 only,
 * serial GC and, where possible, a class-data-sharing archive ({@link Launcher}).
 */
final class ChildProcess {
    /** Jars the core needs; everything else on the test class path (Spark, DL4J, ...) is left out. */
    private static final List<String> CORE_JARS = List.of("hadoop-client-api-", "hadoop-client-runtime-",
            "slf4j-api-", "commons-logging-");

    private final Process process;
    private final Thread reader;
    private final List<String> lines = new ArrayList<>();
    private final Path stderr;
    private final long startedNanos = System.nanoTime();
    private volatile long openedNanos = -1;

    private ChildProcess(Process process, Path stderr, Path stdout) {
        this.process = process;
        this.stderr = stderr;
        this.reader = io.txtrain.testing.StdoutFile.follow(process, stdout.toFile(), this::accept);
    }

    /**
     * How children are launched: class path and JVM options. {@link #withSharedArchive} adds a
     * class-data-sharing archive of the classes a child loads, which cuts its start-up by about a
     * third (the JDK only archives classes from jars, so the child's classes are jarred first).
     */
    record Launcher(String classPath, List<String> jvmOptions) {
        static Launcher plain() {
            List<String> opts = new ArrayList<>(Arrays.asList(System.getProperty("txtrain.addOpens", "").trim()
                    .split("\\s+")));
            opts.removeIf(String::isEmpty);
            // C1 only and serial GC: a child lives for seconds, so start-up is what counts
            opts.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xmx256m"));
            return new Launcher(childClassPath(), opts);
        }

        /**
         * Runs one warm-up child to completion with {@code warmupArgs} under
         * {@code -XX:ArchiveClassesAtExit} and returns a launcher that maps the archive; falls back
         * to {@link #plain()} if that fails.
         */
        static Launcher withSharedArchive(Path work, List<String> warmupArgs) throws IOException,
                InterruptedException {
            Launcher plain = plain();
            Path jar = work.resolve("child-classes.jar");
            List<String> cp = new ArrayList<>();
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
                for (String e : plain.classPath().split(File.pathSeparator)) {
                    Path p = Paths.get(e);
                    if (Files.isDirectory(p)) {
                        addTree(out, p);
                    } else {
                        cp.add(e);
                    }
                }
            }
            cp.add(0, jar.toString());
            Launcher jarred = new Launcher(String.join(File.pathSeparator, cp), plain.jvmOptions());
            Path archive = work.resolve("child.jsa");
            List<String> dumpOpts = new ArrayList<>(jarred.jvmOptions());
            dumpOpts.add("-XX:ArchiveClassesAtExit=" + archive);
            ChildProcess warm = start(new Launcher(jarred.classPath(), dumpOpts), warmupArgs,
                    work.resolve("child-warmup.err"));
            int exit = warm.waitFor(120_000);
            if (exit != 0 || !Files.isRegularFile(archive)) {
                if (exit == -1) {
                    warm.kill();
                }
                System.out.println("no class-data-sharing archive for the crash children (warm-up exit " + exit
                        + "); starting them without one:\n" + warm.stderrTail());
                return plain;
            }
            List<String> opts = new ArrayList<>(jarred.jvmOptions());
            opts.add("-XX:SharedArchiveFile=" + archive);
            return new Launcher(jarred.classPath(), opts);
        }

        private static void addTree(JarOutputStream out, Path root) throws IOException {
            List<Path> files;
            try (var s = Files.walk(root)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            for (Path f : files) {
                out.putNextEntry(new JarEntry(root.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    static ChildProcess start(Launcher launcher, List<String> args, Path stderr) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
        cmd.addAll(launcher.jvmOptions());
        cmd.addAll(List.of("-cp", launcher.classPath(), CommitLoopChild.class.getName()));
        cmd.addAll(args);
        // stdin stays a pipe from this JVM: the child exits when it reaches EOF, so no child
        // outlives a test JVM that died or was killed
        Path stdout = stderr.resolveSibling(stderr.getFileName() + ".stdout");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(stderr.toFile()).redirectOutput(stdout.toFile());
        return new ChildProcess(pb.start(), stderr, stdout);
    }

    static String childClassPath() {
        String full = System.getProperty("java.class.path");
        if (Boolean.getBoolean("txtrain.crash.fullClasspath")) {
            return full;
        }
        return Arrays.stream(full.split(File.pathSeparator)).filter(e -> {
            if (new File(e).isDirectory()) {
                return true; // target/classes, target/test-classes
            }
            String name = new File(e).getName();
            return CORE_JARS.stream().anyMatch(name::startsWith);
        }).collect(Collectors.joining(File.pathSeparator));
    }

    private void accept(String line) {
        if (line != null && openedNanos < 0 && line.startsWith("OPENED ")) {
            openedNanos = System.nanoTime();
        }
        synchronized (lines) {
            lines.add(line); // null: end marker
            lines.notifyAll();
        }
    }

    /** Milliseconds from the start of the process to its OPENED line, or -1. */
    long millisToOpened() {
        long o = openedNanos;
        return o < 0 ? -1 : (o - startedNanos) / 1_000_000;
    }

    long pid() {
        return process.pid();
    }

    /**
     * Waits until {@code count} lines matching {@code p} were printed. Returns false if the child's
     * output ended first or the timeout passed.
     */
    boolean awaitLines(Predicate<String> p, int count, long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        synchronized (lines) {
            while (true) {
                int n = 0;
                for (String l : lines) {
                    if (l == null) {
                        return false;
                    }
                    if (p.test(l) && ++n >= count) {
                        return true;
                    }
                }
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                lines.wait(left);
            }
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL on Linux; waits until the process is gone and all it printed was read. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        finish(60_000);
    }

    /** Waits for the process to end by itself; returns its exit code, or -1 on timeout. */
    int waitFor(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            return -1;
        }
        finish(60_000);
        return process.exitValue();
    }

    private void finish(long timeoutMillis) throws InterruptedException {
        if (!process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("child " + process.pid() + " did not end");
        }
        reader.join(timeoutMillis);
    }

    int exitValue() {
        return process.exitValue();
    }

    /** Everything printed so far (complete lines only). */
    List<String> lines() {
        synchronized (lines) {
            List<String> copy = new ArrayList<>(lines);
            copy.removeIf(l -> l == null);
            return copy;
        }
    }

    String stderrTail() {
        try {
            List<String> all = Files.readAllLines(stderr, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
        } catch (IOException e) {
            return "(stderr unreadable: " + e + ")";
        }
    }
}
