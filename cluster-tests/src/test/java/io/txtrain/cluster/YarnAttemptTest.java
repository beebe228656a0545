package io.txtrain.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;

/**
 * Spark on a real YARN (MiniYARNCluster: ResourceManager and NodeManager, containers as separate
 * processes) with HDFS (MiniDFSCluster): {@code spark-submit --master yarn --deploy-mode cluster} with
 * {@code spark.yarn.maxAppAttempts=2} and the assembly in {@code --jars}. The driver (the
 * ApplicationMaster's JVM) is SIGKILLed mid-training; YARN starts attempt 2, which resumes from the
 * last committed round and ends with the fault-free checksum. Two executors with one slot each, so
 * rounds stream (several rounds per Spark job) through the plugin loaded from the assembly.
 */
class YarnAttemptTest {
    /** The same example as the embedded reference run. */
    static final List<String> EXAMPLE_ARGS = StandaloneSubmitTest.EXAMPLE_ARGS;

    @TempDir
    Path tmp;

    @Test
    void secondApplicationAttemptResumesAfterTheDriverIsKilled() throws Exception {
        SparkDistribution dist = SparkDistribution.fromBuild();
        Configuration hconf = new Configuration();
        hconf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("hdfs").toString());
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(hconf).numDataNodes(1).build();
        YarnConfiguration yconf = new YarnConfiguration(hdfs.getConfiguration(0));
        yconf.setInt(YarnConfiguration.NM_PMEM_MB, 8192);
        // MiniYARNCluster gives its NodeManager this instead of NM_PMEM_MB (4096 by default: room for the
        // ApplicationMaster's container and one executor's, so the second executor never started)
        yconf.setInt(YarnConfiguration.YARN_MINICLUSTER_NM_PMEM_MB, 8192);
        yconf.setInt(YarnConfiguration.NM_VCORES, 4);
        yconf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
        yconf.setBoolean(YarnConfiguration.NM_PMEM_CHECK_ENABLED, false);
        yconf.setInt(YarnConfiguration.RM_AM_MAX_ATTEMPTS, 2);
        yconf.set(YarnConfiguration.RM_SCHEDULER,
                "org.apache.hadoop.yarn.server.resourcemanager.scheduler.fifo.FifoScheduler");
        yconf.setBoolean(YarnConfiguration.YARN_MINICLUSTER_FIXED_PORTS, false);
        MiniYARNCluster yarn = new MiniYARNCluster("txtrain-yarn", 1, 1, 1);
        try {
            hdfs.waitActive();
            yarn.init(yconf);
            yarn.start();
            FileSystem fs = hdfs.getFileSystem();
            String nn = fs.getUri().toString();
            fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(new File("../data/fashion-mnist-subset").getAbsolutePath()),
                    new org.apache.hadoop.fs.Path("/data/fmnist"));
            Path confDir = Files.createDirectories(tmp.resolve("hadoop-conf"));
            // what a cluster's yarn-site.xml and core-site.xml say: YARN's addresses and the default file system
            Configuration clientConf = new Configuration(false);
            for (java.util.Map.Entry<String, String> e : yarn.getConfig()) {
                if (e.getKey().startsWith("yarn.")) {
                    clientConf.set(e.getKey(), e.getValue());
                }
            }
            clientConf.set("fs.defaultFS", nn);
            try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
                clientConf.writeXml(out);
            }
            String expected = StandaloneSubmitTest.embeddedChecksum(dist, tmp);

            String ckpt = nn + "/runs/yarn";
            String javaHome = System.getProperty("java.home");
            List<String> args = new ArrayList<>(List.of("--master", "yarn", "--deploy-mode", "cluster",
                    "--class", "io.txtrain.examples.FashionMnistExample",
                    "--jars", "local:" + SparkDistribution.ASSEMBLY,
                    "--driver-memory", "1g", "--executor-memory", "1g", "--num-executors", "2",
                    "--executor-cores", "1",
                    "--conf", "spark.yarn.maxAppAttempts=2",
                    "--conf", "spark.yarn.am.attemptFailuresValidityInterval=1h",
                    "--conf", "spark.yarn.jars=local:" + dist.home().resolve("jars") + "/*",
                    "--conf", "spark.yarn.appMasterEnv.JAVA_HOME=" + javaHome,
                    "--conf", "spark.executorEnv.JAVA_HOME=" + javaHome,
                    "--conf", "spark.plugins=io.txtrain.spark.plugin.TxtrainPlugin",
                    "--conf", "spark.driver.extraJavaOptions=" + SparkDistribution.ADD_OPENS,
                    SparkDistribution.EXAMPLES.toString(),
                    "--data", nn + "/data/fmnist", "--checkpoint-dir", ckpt));
            // YARN containers do not inherit the NodeManager's environment: the BLAS kernel choice this
            // machine makes through OPENBLAS_* (part of the numeric environment) is passed on explicitly
            System.getenv().forEach((k, v) -> {
                if (k.startsWith("OPENBLAS_")) {
                    args.addAll(0, List.of("--conf", "spark.yarn.appMasterEnv." + k + "=" + v,
                            "--conf", "spark.executorEnv." + k + "=" + v));
                }
            });
            args.addAll(EXAMPLE_ARGS);
            SparkDistribution onYarn = dist.withHadoopConfDir(confDir);
            ProcessBuilder pb = new ProcessBuilder(onYarn.sparkClass("org.apache.spark.deploy.SparkSubmit", args))
                    .redirectOutput(tmp.resolve("submit.out").toFile()).redirectError(tmp.resolve("submit.err").toFile());
            onYarn.environment(pb.environment());
            Process submit = pb.start();

            long atKill = RunProgress.awaitCommitted(hconf, ckpt, 2, 600, submit);
            ProcessHandle driver = RunProgress.exampleDriver("org.apache.spark.deploy.yarn.ApplicationMaster")
                    .orElseThrow(() -> new AssertionError("no ApplicationMaster process"));
            driver.destroyForcibly();
            assertTrue(driver.onExit().get(60, TimeUnit.SECONDS) != null);

            assertTrue(submit.waitFor(900, TimeUnit.SECONDS), "the application did not finish; see " + tmp);
            assertEquals(0, submit.exitValue(), "the application failed; see " + tmp.resolve("submit.err"));
            Path stdout = driverStdout(yarn.getTestWorkDir().toPath());
            List<String> lines = Files.readAllLines(stdout);
            assertEquals("model sha256=" + expected, lines.get(lines.size() - 1), "final model equals the embedded run's");

            assertTrue(amLogsMention(yarn.getTestWorkDir().toPath(), "rounds run up to 8 per Spark job"),
                    "rounds streamed through the plugin from the assembly in --jars (two executors, one slot each)");

            RecoveryPlan plan = RecoveryDirectory.inspect(java.net.URI.create(ckpt), hconf);
            List<RecoveryEvent> starts = plan.chain().recoveries();
            RecoveryEvent restart = starts.get(starts.size() - 1);
            assertTrue(restart.writerEpoch() >= 2 && restart.previousCrashed(), "attempt 2 took over: " + starts);
            assertTrue(restart.nextRound() > 1 && restart.nextRound() >= atKill,
                    "resumed at round " + restart.nextRound() + ", not from the start (killed after " + atKill + ")");
        } finally {
            yarn.stop();
            hdfs.shutdown();
        }
    }

    /** Whether the stderr of an ApplicationMaster (a driver: container 1 of an attempt) contains {@code text}. */
    private static boolean amLogsMention(Path logs, String text) throws Exception {
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals("stderr")
                    && f.getParent().getFileName().toString().endsWith("_000001")).toList()) {
                if (Files.readString(p).contains(text)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The stdout of the ApplicationMaster container that printed the model checksum. */
    private static Path driverStdout(Path logs) throws Exception {
        try (Stream<Path> files = Files.walk(logs)) {
            for (Path p : files.filter(f -> f.getFileName().toString().equals("stdout")).toList()) {
                if (Files.readString(p).contains("model sha256=")) {
                    return p;
                }
            }
        }
        throw new AssertionError("no container printed the model checksum; see " + logs);
    }
}
