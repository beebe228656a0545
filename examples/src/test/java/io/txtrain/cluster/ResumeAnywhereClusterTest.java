package io.txtrain.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;

/**
 * Resume anywhere: the example started embedded ({@code local[2]}, a driver without
 * OMP_NUM_THREADS, as bin/txtrain-example runs it) with its checkpoints on HDFS, SIGKILLed
 * mid-training, and resubmitted in cluster mode to a standalone cluster (two Workers of 2 cores; the
 * driver takes a core of one) whose one executor has two cores (both tasks in one JVM) and
 * OMP_NUM_THREADS=3. It replays the committed rounds without a
 * mismatch and ends with the same {@code model sha256=} as a fault-free embedded run.
 */
class ResumeAnywhereClusterTest {
    static final String[] EXAMPLE_ARGS = {"--epochs", "1", "--limit", "3000", "--workers", "2"};

    @TempDir
    Path tmp;

    /** The driver's stdout once it printed its checksum; fails at once with the driver's error if it failed. */
    private static Path awaitDriverEnd(Path work, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            try (var files = Files.walk(work)) {
                for (Path p : files.filter(f -> f.toString().contains("driver-")
                        && (f.getFileName().toString().equals("stdout") || f.getFileName().toString().equals("stderr")))
                        .toList()) {
                    String text = Files.readString(p);
                    if (p.getFileName().toString().equals("stdout") && text.contains("model sha256=")) {
                        return p;
                    }
                    int at = text.indexOf("Exception in thread \"main\"");
                    if (at < 0) {
                        at = text.indexOf("ReplayMismatchException:");
                    }
                    if (at >= 0) {
                        throw new AssertionError("the resubmitted driver failed: "
                                + text.substring(at, Math.min(text.length(), at + 600)));
                    }
                }
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no driver finished within " + seconds + " s; see " + work);
    }

    @Test
    void killedEmbeddedRunResumesOnTheStandaloneClusterWithTheSameModel() throws Exception {
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
            String expected = SupervisedDriverClusterTest.referenceChecksum(EXAMPLE_ARGS);
            String ckpt = nn + "/runs/anywhere";

            List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java"));
            for (String o : StandaloneCluster.ADD_OPENS.split(" ")) {
                cmd.add(o);
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.txtrain.examples.FashionMnistExample",
                    "--data", nn + "/data/fmnist", "--checkpoint-dir", ckpt));
            cmd.addAll(List.of(EXAMPLE_ARGS));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("embedded.log").toFile());
            pb.environment().remove("OMP_NUM_THREADS");
            Process embedded = pb.start();
            long atKill = SupervisedDriverClusterTest.awaitCommitted(hconf, ckpt, 3, 300);
            embedded.destroyForcibly();
            assertTrue(embedded.waitFor(60, TimeUnit.SECONDS));
            RecoveryPlan killed = RecoveryDirectory.inspect(java.net.URI.create(ckpt), hconf);
            assertTrue(killed.lastCommittedRound() < 10, "killed before the end: " + killed.lastCommittedRound());

            List<String> args = new ArrayList<>(List.of("--deploy-mode", "cluster",
                    "--class", "io.txtrain.examples.FashionMnistExample",
                    "--driver-memory", "1g", "--executor-memory", "1g",
                    "--conf", "spark.cores.max=2", "--conf", "spark.executor.cores=2",
                    "--conf", "spark.driver.extraJavaOptions=" + StandaloneCluster.ADD_OPENS,
                    "--conf", "spark.executor.extraJavaOptions=" + StandaloneCluster.ADD_OPENS,
                    "--conf", "spark.executorEnv.OMP_NUM_THREADS=3",
                    spark.applicationJar().getAbsolutePath(),
                    "--data", nn + "/data/fmnist", "--checkpoint-dir", ckpt));
            args.addAll(List.of(EXAMPLE_ARGS));
            Process submit = spark.submit(args);
            assertTrue(submit.waitFor(120, TimeUnit.SECONDS) && submit.exitValue() == 0,
                    "spark-submit failed; see " + spark.work());

            Path stdout = awaitDriverEnd(spark.work(), 900);
            List<String> lines = Files.readAllLines(stdout);
            assertEquals("model sha256=" + expected, lines.get(lines.size() - 1),
                    "killed embedded, resumed on the standalone cluster: the fault-free model");

            RecoveryPlan plan = RecoveryDirectory.inspect(java.net.URI.create(ckpt), hconf);
            List<RecoveryEvent> starts = plan.chain().recoveries();
            RecoveryEvent resume = starts.get(starts.size() - 1);
            assertTrue(resume.previousCrashed() && resume.nextRound() > atKill - 1 && resume.replayedRounds() > 0,
                    "resumed after the crash, replaying committed rounds: " + starts);
            assertTrue(plan.chain().lineage().isEmpty(), "same bits, no change of lineage");
        } finally {
            hdfs.shutdown();
        }
    }
}
