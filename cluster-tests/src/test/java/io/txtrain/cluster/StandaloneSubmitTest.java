package io.txtrain.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * {@code spark-submit --jars txtrain-assembly.jar} with the plugin from {@code --conf}. Every run ends
 * with the model checksum of the same example run embedded in one JVM, whatever the executors' shape.
 */
class StandaloneSubmitTest {
    static final List<String> EXAMPLE_ARGS = List.of("--epochs", "1", "--limit", "3000", "--workers", "2");
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

        long atKill = RunProgress.awaitCommitted(hconf, ckpt, 2, 600, null);
        ProcessHandle driver = RunProgress.exampleDriver("org.apache.spark.deploy.worker.DriverWrapper")
                .orElseThrow(() -> new AssertionError("no driver process"));
        driver.destroyForcibly();
        assertTrue(driver.onExit().get(60, TimeUnit.SECONDS) != null);

        Path stdout = awaitDriverOutput(spark.work(), "model sha256=", 900, ckpt);
        List<String> lines = Files.readAllLines(stdout);
        assertEquals("model sha256=" + expected, lines.get(lines.size() - 1), "final model equals the embedded run's");

        RecoveryPlan plan = RecoveryDirectory.inspect(java.net.URI.create(ckpt), hconf);
        List<RecoveryEvent> starts = plan.chain().recoveries();
        RecoveryEvent restart = starts.get(starts.size() - 1);
        assertTrue(restart.writerEpoch() >= 2 && restart.previousCrashed(), "the Master restarted the driver: " + starts);
        assertTrue(restart.nextRound() > 1 && restart.nextRound() >= atKill,
                "resumed at round " + restart.nextRound() + ", not from the start (killed after " + atKill + ")");
    }

    /**
     * Resume anywhere: the example started embedded ({@code local[2]}, no OMP_NUM_THREADS, as
     * bin/txtrain-example runs it) with its checkpoints on HDFS, SIGKILLed mid-training, and
     * resubmitted in cluster mode: its one executor has two cores (both tasks in one JVM) and
     * OMP_NUM_THREADS=3. It replays the committed rounds without a mismatch and ends with the
     * embedded run's model.
     */
    @Test
    void killedEmbeddedRunResumesOnTheClusterWithTheSameModel() throws Exception {
        String ckpt = nn + "/runs/anywhere";
        List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--data", nn + "/data/fmnist",
                "--checkpoint-dir", ckpt));
        args.addAll(EXAMPLE_ARGS);
        ProcessBuilder pb = new ProcessBuilder(dist.plainJava("io.txtrain.examples.FashionMnistExample",
                List.of(SparkDistribution.ASSEMBLY.toString(), SparkDistribution.EXAMPLES.toString()), args))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("anywhere-embedded.log").toFile());
        pb.environment().remove("OMP_NUM_THREADS");
        Process embedded = pb.start();
        long atKill = RunProgress.awaitCommitted(hconf, ckpt, 3, 600, embedded);
        embedded.destroyForcibly();
        assertTrue(embedded.waitFor(60, TimeUnit.SECONDS));
        RecoveryPlan killed = RecoveryDirectory.inspect(java.net.URI.create(ckpt), hconf);
        assertTrue(killed.lastCommittedRound() < 10, "killed before the end: " + killed.lastCommittedRound());

        List<String> submitArgs = new ArrayList<>(List.of("--deploy-mode", "cluster",
                "--class", "io.txtrain.examples.FashionMnistExample",
                "--jars", SparkDistribution.ASSEMBLY.toString(),
                "--driver-memory", "1g", "--executor-memory", "1g",
                "--conf", "spark.cores.max=2", "--conf", "spark.executor.cores=2",
                "--conf", "spark.driver.extraJavaOptions=" + SparkDistribution.ADD_OPENS,
                "--conf", "spark.executorEnv.OMP_NUM_THREADS=3",
                SparkDistribution.EXAMPLES.toString(),
                "--data", nn + "/data/fmnist", "--checkpoint-dir", ckpt));
        submitArgs.addAll(EXAMPLE_ARGS);
        Process submit = spark.submit("anywhere-submit", submitArgs);
        assertTrue(submit.waitFor(120, TimeUnit.SECONDS) && submit.exitValue() == 0,
                "spark-submit failed; see " + spark.work());
        Path stdout = awaitDriverOutput(spark.work(), "model sha256=", 900, ckpt);
        List<String> lines = Files.readAllLines(stdout);
        assertEquals("model sha256=" + expected, lines.get(lines.size() - 1),
                "killed embedded, resumed on the standalone cluster: the fault-free model");

        RecoveryPlan plan = RecoveryDirectory.inspect(java.net.URI.create(ckpt), hconf);
        List<RecoveryEvent> starts = plan.chain().recoveries();
        RecoveryEvent resume = starts.get(starts.size() - 1);
        assertTrue(resume.previousCrashed() && resume.nextRound() > atKill - 1 && resume.replayedRounds() > 0,
                "resumed after the crash, replaying committed rounds: " + starts);
        assertTrue(plan.chain().lineage().isEmpty(), "same bits, no change of lineage");
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

    /** The stdout of the cluster-mode driver of {@code ckpt} once it printed {@code marker}. */
    private static Path awaitDriverOutput(Path work, String marker, int seconds, String ckpt) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try (Stream<Path> files = Files.walk(work)) {
                for (Path p : files.filter(f -> f.getFileName().toString().equals("stdout")
                        && f.toString().contains("driver-")).toList()) {
                    String text = Files.readString(p);
                    if (text.contains(marker) && text.contains(ckpt)) {
                        return p;
                    }
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no driver finished within " + seconds + " s; see " + work);
    }
}
