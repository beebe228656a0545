package io.txtrain.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on this machine: one Master and N Workers, each its own JVM started
 * from a {@link SparkHome}, plus {@code spark-submit} (SparkSubmit) runs against it.
 */
public final class StandaloneCluster implements AutoCloseable {
    public static final String ADD_OPENS = System.getProperty("txtrain.addOpens",
            System.getenv().getOrDefault("TXTRAIN_ADD_OPENS", ""));
    private final Path home;
    private final Path work;
    private final int port;
    private final List<Process> processes = new ArrayList<>();

    private StandaloneCluster(Path home, Path work, int port) {
        this.home = home;
        this.work = work;
        this.port = port;
    }

    /** Starts a Master and {@code workers} Workers (2 cores, {@code workerMemoryMb} each); waits until they are up. */
    public static StandaloneCluster start(Path home, Path work, int workers, int workerMemoryMb) throws Exception {
        SparkHome.prepare(home);
        Files.createDirectories(work);
        StandaloneCluster c = new StandaloneCluster(home, work, freePort());
        c.processes.add(c.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port",
                Integer.toString(c.port), "--webui-port", Integer.toString(freePort())));
        for (int i = 0; i < workers; i++) {
            Path dir = work.resolve("worker-" + i);
            Files.createDirectories(dir);
            c.processes.add(c.launch("worker-" + i, "org.apache.spark.deploy.worker.Worker", c.masterUrl(),
                    "--host", "127.0.0.1", "--cores", "2", "--memory", workerMemoryMb + "m", "--work-dir",
                    dir.toString(), "--webui-port", Integer.toString(freePort())));
        }
        c.awaitWorkers(workers, 120_000);
        return c;
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    public Path work() {
        return work;
    }

    /** Runs SparkSubmit with the given arguments (after --master); returns the process. */
    public Process submit(List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("--master", masterUrl()));
        cmd.addAll(args);
        return launch("submit", "org.apache.spark.deploy.SparkSubmit", cmd.toArray(new String[0]));
    }

    private Process launch(String name, String mainClass, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(System.getProperty("java.home") + "/bin/java");
        cmd.add("-Xmx512m");
        for (String o : ADD_OPENS.split(" ")) {
            if (!o.isBlank()) {
                cmd.add(o);
            }
        }
        cmd.add("-cp");
        cmd.add(home.resolve("jars") + "/*");
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile());
        Map<String, String> env = pb.environment();
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("OMP_NUM_THREADS", "1");
        return pb.start();
    }

    private void awaitWorkers(int n, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Path log = work.resolve("master.err");
        while (System.currentTimeMillis() < deadline) {
            long registered = Files.exists(log)
                    ? Files.readAllLines(log).stream().filter(l -> l.contains("Registering worker")).count() : 0;
            if (registered >= n) {
                return;
            }
            for (Process p : processes) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a cluster process exited early; see " + work);
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(n + " workers did not register within " + timeoutMs + " ms; see " + work);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Kills the Master, the Workers and everything they started. */
    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    /** The examples' classes as an application jar for spark-submit. */
    public File applicationJar() throws IOException {
        Path where;
        try {
            where = Path.of(io.txtrain.examples.FashionMnistExample.class.getProtectionDomain().getCodeSource()
                    .getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        return Files.isDirectory(where)
                ? SparkHome.jarFolder(where, work.resolve("txtrain-examples-app.jar")).toFile() : where.toFile();
    }
}
