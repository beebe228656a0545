package io.txtrain.cluster;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spark standalone cluster on this machine, started from a {@link SparkDistribution} as
 * {@code sbin/start-master.sh} and {@code start-worker.sh} would: one Master and N Workers, each its
 * own JVM, plus {@code spark-submit} runs against it.
 */
public final class StandaloneCluster implements AutoCloseable {
    private final SparkDistribution dist;
    private final Path work;
    private final int port;
    private final List<Process> processes = new ArrayList<>();

    private StandaloneCluster(SparkDistribution dist, Path work, int port) {
        this.dist = dist;
        this.work = work;
        this.port = port;
    }

    /** Starts a Master and {@code workers} Workers of {@code cores} cores each; waits until they are up. */
    public static StandaloneCluster start(SparkDistribution dist, Path work, int workers, int cores, int workerMemoryMb)
            throws Exception {
        Files.createDirectories(work);
        StandaloneCluster c = new StandaloneCluster(dist, work, freePort());
        try {
            c.launch("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(c.port), "--webui-port", Integer.toString(freePort()));
            for (int i = 0; i < workers; i++) {
                Path dir = work.resolve("worker-" + i);
                Files.createDirectories(dir);
                c.launch("worker-" + i, "org.apache.spark.deploy.worker.Worker", c.masterUrl(),
                        "--host", "127.0.0.1", "--cores", Integer.toString(cores), "--memory", workerMemoryMb + "m",
                        "--work-dir", dir.toString(), "--webui-port", Integer.toString(freePort()));
            }
            c.awaitWorkers(workers, 120_000);
        } catch (Exception e) {
            c.close();
            throw e;
        }
        return c;
    }

    public String masterUrl() {
        return "spark://127.0.0.1:" + port;
    }

    public Path work() {
        return work;
    }

    /** Runs {@code spark-submit --master <this cluster> ARGS}; returns the process. */
    public Process submit(String name, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("--master", masterUrl()));
        cmd.addAll(args);
        return launch(name, "org.apache.spark.deploy.SparkSubmit", cmd.toArray(new String[0]));
    }

    private Process launch(String name, String mainClass, String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(dist.sparkClass(mainClass, List.of(args)))
                .redirectOutput(work.resolve(name + ".out").toFile())
                .redirectError(work.resolve(name + ".err").toFile());
        dist.environment(pb.environment());
        Process p = pb.start();
        processes.add(p);
        return p;
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

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Kills the Master, the Workers, submitted drivers and everything they started. */
    @Override
    public void close() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
