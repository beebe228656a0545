package io.txtrain.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;

/**
 * The whole stack as on a cluster: HDFS (MiniDFSCluster), a Spark standalone Master and two
 * Workers as separate JVMs, the example submitted with spark-submit in cluster deploy mode with
 * --supervise, the txtrain plugin, data and checkpoints on hdfs://. The driver JVM is SIGKILLed
 * mid-training; the Master restarts it, it resumes from the last committed round, and the final
 * model equals a fault-free run's.
 */
class SupervisedDriverClusterTest {
    static final String[] EXAMPLE_ARGS = {"--epochs", "1", "--limit", "1600", "--workers", "2"};

    @TempDir
    Path tmp;

    @Test
    void killedDriverIsRestartedAndResumes() throws Exception {
        Configuration hconf = new Configuration();
        hconf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(hconf).numDataNodes(1).build();
        try (StandaloneCluster spark = StandaloneCluster.start(tmp.resolve("spark-home"), tmp.resolve("cluster"), 2,
                2560)) {
            hdfs.waitActive();
            FileSystem fs = hdfs.getFileSystem();
            String nn = fs.getUri().toString();
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(new File("../data/fashion-mnist-subset").getAbsolutePath()),
                    new org.apache.hadoop.fs.Path("/data/fmnist"));
            String expected = referenceChecksum(EXAMPLE_ARGS);

            String ckpt = nn + "/runs/supervised";
            List<String> args = new ArrayList<>(List.of("--deploy-mode", "cluster", "--supervise",
                    "--class", "io.txtrain.examples.FashionMnistExample",
                    "--driver-memory", "1g", "--executor-memory", "1g",
                    "--conf", "spark.cores.max=2", "--conf", "spark.executor.cores=1",
                    "--conf", "spark.plugins=io.txtrain.spark.plugin.TxtrainPlugin",
                    "--conf", "spark.driver.extraJavaOptions=" + StandaloneCluster.ADD_OPENS,
                    "--conf", "spark.executor.extraJavaOptions=" + StandaloneCluster.ADD_OPENS,
                    "--conf", "spark.executorEnv.OMP_NUM_THREADS=1",
                    spark.applicationJar().getAbsolutePath(),
                    "--data", nn + "/data/fmnist", "--checkpoint-dir", ckpt));
            args.addAll(List.of(EXAMPLE_ARGS));
            Process submit = spark.submit(args);
            assertTrue(submit.waitFor(120, TimeUnit.SECONDS) && submit.exitValue() == 0,
                    "spark-submit failed; see " + spark.work());

            long atKill = awaitCommitted(hconf, ckpt, 2, 300);
            ProcessHandle driver = driverProcess().orElseThrow(() -> new AssertionError("no driver process"));
            driver.destroyForcibly();
            assertTrue(driver.onExit().get(60, TimeUnit.SECONDS) != null);

            Path stdout = awaitDriverOutput(spark.work(), "model sha256=", 900);
            List<String> lines = Files.readAllLines(stdout);
            assertEquals("model sha256=" + expected, lines.get(lines.size() - 1), "final model equals a fault-free run");

            RecoveryPlan plan = RecoveryDirectory.inspect(java.net.URI.create(ckpt), hconf);
            List<RecoveryEvent> starts = plan.chain().recoveries();
            RecoveryEvent restart = starts.get(starts.size() - 1);
            assertTrue(restart.writerEpoch() >= 2 && restart.previousCrashed(), "the Master restarted the driver: " + starts);
            assertTrue(restart.nextRound() > 1 && restart.nextRound() >= atKill,
                    "resumed at round " + restart.nextRound() + ", not from the start (killed after " + atKill + ")");
        } finally {
            hdfs.shutdown();
        }
    }

    /** The example with these arguments, fault-free, in local mode. */
    static String referenceChecksum(String... exampleArgs) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java"));
        for (String o : StandaloneCluster.ADD_OPENS.split(" ")) {
            cmd.add(o);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.txtrain.examples.FashionMnistExample",
                "--data", "../data/fashion-mnist-subset", "--checkpoint-dir",
                Files.createTempDirectory("reference").toUri().toString()));
        cmd.addAll(List.of(exampleArgs));
        Process p = new ProcessBuilder(cmd).redirectError(new File("target/reference.log")).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertEquals(0, p.waitFor(), "reference run failed: " + out);
        return out.get(out.size() - 1).substring("model sha256=".length());
    }

    static long awaitCommitted(Configuration conf, String dir, long rounds, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try {
                long c = RecoveryDirectory.inspect(java.net.URI.create(dir), conf).lastCommittedRound();
                if (c >= rounds) {
                    return c;
                }
            } catch (java.io.IOException notYet) {
                // directory not created yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError("fewer than " + rounds + " rounds committed after " + seconds + " s");
    }

    private static Optional<ProcessHandle> driverProcess() {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains("org.apache.spark.deploy.worker.DriverWrapper")
                        && c.contains("FashionMnistExample")).orElse(false))
                .findFirst();
    }

    static Path awaitDriverOutput(Path work, String marker, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.filter(f -> f.getFileName().toString().equals("stdout")
                        && f.toString().contains("driver-")).toList()) {
                    if (Files.readString(p).contains(marker)) {
                        return p;
                    }
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no driver finished within " + seconds + " s; see " + work);
    }
}
