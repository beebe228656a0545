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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;

/**
 * txtrain deployed as users deploy it: a Spark 3.5 distribution holding only Spark's jars, a
 * standalone Master and two Workers started from it (each its own JVM), HDFS (MiniDFSCluster), and
 * {@code spark-submit --jars txtrain-assembly.jar} with the plugin from {@code --conf}. Both runs end
 * with the model checksum of the same example run embedded in one JVM.
 */
class StandaloneSubmitTest {
    static final List<String> EXAMPLE_ARGS = List.of("--epochs", "1", "--limit", "1600", "--workers", "2");
    static final String PLUGIN = "spark.plugins=io.txtrain.spark.plugin.TxtrainPlugin";

    @TempDir
    static Path tmp;
    static MiniDFSCluster hdfs;
    static Configuration hconf;
    static StandaloneCluster spark;
    static SparkDistribution dist;
    static String nn;
    static String expected;

    @BeforeAll
    static void start() throws Exception {
        dist = SparkDistribution.fromBuild();
        hconf = new Configuration();
        hconf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(hconf).numDataNodes(1).build();
        hdfs.waitActive();
        FileSystem fs = hdfs.getFileSystem();
        nn = fs.getUri().toString();
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(new File("../data/fashion-mnist-subset").getAbsolutePath()),
                new org.apache.hadoop.fs.Path("/data/fmnist"));
        spark = StandaloneCluster.start(dist, tmp.resolve("cluster"), 2, 2, 2560);
        expected = embeddedChecksum(dist, tmp);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.close();
        }
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    /** Client mode with no Java 17 flags of ours: Spark's launcher and SparkContext add what is needed. */
    @Test
    void clientModeSubmitWithTheAssemblyEndsWithTheEmbeddedChecksum() throws Exception {
        List<String> args = new ArrayList<>(List.of("--deploy-mode", "client",
                "--class", "io.txtrain.examples.FashionMnistExample",
                "--jars", SparkDistribution.ASSEMBLY.toString(),
                "--driver-memory", "1g", "--executor-memory", "1g",
                "--conf", "spark.cores.max=2", "--conf", "spark.executor.cores=1", "--conf", PLUGIN,
                SparkDistribution.EXAMPLES.toString(),
                "--data", nn + "/data/fmnist", "--checkpoint-dir", nn + "/runs/client"));
        args.addAll(EXAMPLE_ARGS);
        Process submit = spark.submit("client-submit", args);
        assertTrue(submit.waitFor(900, TimeUnit.SECONDS), "client-mode run did not finish; see " + spark.work());
        List<String> out = Files.readAllLines(spark.work().resolve("client-submit.out"));
        assertEquals(0, submit.exitValue(), "spark-submit failed; see " + spark.work() + ": " + out);
        assertEquals("model sha256=" + expected, out.get(out.size() - 1));
        RecoveryPlan plan = RecoveryDirectory.inspect(java.net.URI.create(nn + "/runs/client"), hconf);
        assertTrue(plan.lastCommittedRound() > 1, "rounds committed on HDFS: " + plan.lastCommittedRound());
    }

    /**
     * Cluster mode with --supervise: the driver JVM is SIGKILLed mid-training; the Master restarts it,
     * it resumes from the last committed round, and the final model equals the embedded run's.
     */
    @Test
    void supervisedClusterModeDriverIsRestartedAndResumes() throws Exception {
        String ckpt = nn + "/runs/supervised";
        List<String> args = new ArrayList<>(List.of("--deploy-mode", "cluster", "--supervise",
                "--class", "io.txtrain.examples.FashionMnistExample",
                "--jars", SparkDistribution.ASSEMBLY.toString(),
                "--driver-memory", "1g", "--executor-memory", "1g",
                "--conf", "spark.cores.max=2", "--conf", "spark.executor.cores=1", "--conf", PLUGIN,
                // a cluster-mode driver is started by a Worker, not by Spark's launcher: the one flag users add
                "--conf", "spark.driver.extraJavaOptions=" + SparkDistribution.ADD_OPENS,
                SparkDistribution.EXAMPLES.toString(),
                "--data", nn + "/data/fmnist", "--checkpoint-dir", ckpt));
        args.addAll(EXAMPLE_ARGS);
        Process submit = spark.submit("cluster-submit", args);
        assertTrue(submit.waitFor(120, TimeUnit.SECONDS) && submit.exitValue() == 0,
                "spark-submit failed; see " + spark.work());

        long atKill = awaitCommitted(ckpt, 2, 600);
        ProcessHandle driver = driverProcess().orElseThrow(() -> new AssertionError("no driver process"));
        driver.destroyForcibly();
        assertTrue(driver.onExit().get(60, TimeUnit.SECONDS) != null);

        Path stdout = awaitDriverOutput(spark.work(), "model sha256=", 900);
        List<String> lines = Files.readAllLines(stdout);
        assertEquals("model sha256=" + expected, lines.get(lines.size() - 1), "final model equals the embedded run's");

        RecoveryPlan plan = RecoveryDirectory.inspect(java.net.URI.create(ckpt), hconf);
        List<RecoveryEvent> starts = plan.chain().recoveries();
        RecoveryEvent restart = starts.get(starts.size() - 1);
        assertTrue(restart.writerEpoch() >= 2 && restart.previousCrashed(), "the Master restarted the driver: " + starts);
        assertTrue(restart.nextRound() > 1 && restart.nextRound() >= atKill,
                "resumed at round " + restart.nextRound() + ", not from the start (killed after " + atKill + ")");
    }

    /** The same example, fault-free, embedded (local[2]) in one JVM with the same jars. */
    static String embeddedChecksum(SparkDistribution dist, Path tmp) throws Exception {
        List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--data", "../data/fashion-mnist-subset",
                "--checkpoint-dir", tmp.resolve("embedded").toUri().toString()));
        args.addAll(EXAMPLE_ARGS);
        ProcessBuilder pb = new ProcessBuilder(dist.plainJava("io.txtrain.examples.FashionMnistExample",
                List.of(SparkDistribution.ASSEMBLY.toString(), SparkDistribution.EXAMPLES.toString()), args))
                .redirectError(tmp.resolve("embedded.err").toFile())
                .redirectOutput(tmp.resolve("embedded.out").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(900, TimeUnit.SECONDS), "embedded run did not finish");
        List<String> out = Files.readAllLines(tmp.resolve("embedded.out"));
        assertEquals(0, p.exitValue(), "embedded run failed: " + out + "; see " + tmp.resolve("embedded.err"));
        return out.get(out.size() - 1).substring("model sha256=".length());
    }

    private static long awaitCommitted(String dir, long rounds, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try {
                long c = RecoveryDirectory.inspect(java.net.URI.create(dir), hconf).lastCommittedRound();
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

    private static Path awaitDriverOutput(Path work, String marker, int seconds) throws Exception {
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
