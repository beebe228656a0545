package io.txtrain.spark.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.policy.AdaptiveCheckpointPolicy;
import io.txtrain.core.policy.AdaptivePolicySettings;
import io.txtrain.spark.TelemetryRegistry;
import io.txtrain.spark.testing.SparkTestSupport;

/**
 * The plugin with real executor JVMs ({@code local-cluster[2,1,1024]}): samples from both
 * executors reach the driver, GPU fields come from nvidia-smi on the executors' PATH, and a
 * SIGKILLed executor is reported as a failure that lowers the adaptive policy's MTBF.
 */
class PluginLocalClusterTest {
    static final Duration STARTUP = Duration.ofSeconds(120);
    static final Set<String> EXECUTORS = Set.of("0", "1");

    @TempDir
    Path tmp;

    static SparkConf conf(String app, String executorPath) {
        return SparkTestSupport.localClusterConf(2, 1024, app)
                .set("spark.plugins", TxtrainPlugin.class.getName())
                .set("spark.txtrain.monitor.interval", "250ms")
                .set("spark.executorEnv.PATH", executorPath);
    }

    /** Waits until both executors have sent at least {@code n} samples; returns the telemetry. */
    static PluginTelemetry awaitSamples(int n) {
        PluginTelemetry t = (PluginTelemetry) TelemetryRegistry.current();
        Await.condition(STARTUP, n + " samples from each of executors " + EXECUTORS,
                () -> EXECUTORS.stream().allMatch(id -> t.monitor().window(id).size() >= n));
        return t;
    }

    static void assertPlausible(ExecutorSample s, String id) {
        assertEquals(id, s.executorId());
        assertFalse(s.host().isBlank(), s.toString());
        assertTrue(s.heapMaxBytes() > 256L << 20 && s.heapMaxBytes() <= 1024L << 20,
                "executor heap is bounded by spark.executor.memory=1024m: " + s);
        assertTrue(s.heapUsedBytes() > 0 && s.heapUsedBytes() <= s.heapMaxBytes(), s.toString());
        assertTrue(s.gcTimeMillis() >= 0 && s.runningTasks() >= 0, s.toString());
        assertTrue(Double.isNaN(s.processCpuLoad()) || s.processCpuLoad() >= 0 && s.processCpuLoad() <= 1, s.toString());
        assertTrue(Double.isNaN(s.systemCpuLoad()) || s.systemCpuLoad() >= 0 && s.systemCpuLoad() <= 1, s.toString());
    }

    @Test
    void executorSamplesCarryGpuFieldsFromNvidiaSmiOnThePathAndCountRunningTasks() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        // Answers only the exact query the probe makes.
        Files.writeString(smi, "#!/bin/sh\n"
                + "[ \"$*\" = \"--query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits\" ]"
                + " || exit 2\necho '42, 2048, 16384'\necho '7, 512, 16384'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwx------"));
        JavaSparkContext sc = new JavaSparkContext(conf("plugin-gpu", bin + File.pathSeparator + System.getenv("PATH")));
        try {
            PluginTelemetry t = awaitSamples(2);
            assertEquals(EXECUTORS, t.monitor().liveExecutors());
            for (String id : EXECUTORS) {
                for (ExecutorSample s : t.monitor().window(id)) {
                    assertPlausible(s, id);
                    assertEquals(List.of(new GpuReading(0, 42, 2048, 16384), new GpuReading(1, 7, 512, 16384)),
                            s.gpus(), s.toString());
                }
            }
            double load = t.clusterLoad();
            assertTrue(load >= 0 && load <= 1, "cluster load " + load);

            // One task per executor, each held until the driver has seen it running there.
            Path release = tmp.resolve("release");
            String releasePath = release.toString();
            JavaFutureAction<Void> job = sc.parallelize(Arrays.asList(1, 2), 2).foreachAsync(x -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (!new File(releasePath).exists() && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
            });
            Await.condition(Duration.ofSeconds(60), "a running task reported by each executor",
                    () -> EXECUTORS.stream().allMatch(id -> last(t, id).runningTasks() == 1));
            Files.createFile(release);
            job.get(60, TimeUnit.SECONDS);
            Await.condition(Duration.ofSeconds(30), "no running task reported by either executor",
                    () -> EXECUTORS.stream().allMatch(id -> last(t, id).runningTasks() == 0));
        } finally {
            sc.stop();
        }
    }

    static ExecutorSample last(PluginTelemetry t, String id) {
        List<ExecutorSample> w = t.monitor().window(id);
        return w.get(w.size() - 1);
    }

    @Test
    void withoutNvidiaSmiSamplesHaveNoGpuFieldsAndAKilledExecutorLowersTheMtbf() throws Exception {
        // The executors' PATH: this JVM's, minus any directory holding a real nvidia-smi.
        String path = Arrays.stream(System.getenv("PATH").split(File.pathSeparator))
                .filter(d -> !d.isEmpty() && !Files.exists(Paths.get(d, "nvidia-smi")))
                .collect(Collectors.joining(File.pathSeparator));
        JavaSparkContext sc = new JavaSparkContext(conf("plugin-kill", path));
        try {
            PluginTelemetry t = awaitSamples(2);
            for (String id : EXECUTORS) {
                for (ExecutorSample s : t.monitor().window(id)) {
                    assertPlausible(s, id);
                    assertFalse(s.hasGpu(), s.toString());
                }
            }

            AdaptivePolicySettings settings = AdaptivePolicySettings.defaults();
            AdaptiveCheckpointPolicy policy = new AdaptiveCheckpointPolicy(settings, System.currentTimeMillis());
            List<String> failures = new CopyOnWriteArrayList<>();
            long lossBefore = t.lastExecutorLossMillis();
            try (AutoCloseable a = t.onFailure(policy::recordFailure);
                    AutoCloseable b = t.onFailure((time, cause) -> failures.add(cause))) {
                ProcessHandle executor = executorJvm("0");
                executor.destroyForcibly();
                assertTrue(executor.onExit().get(30, TimeUnit.SECONDS) != null);

                Await.condition(Duration.ofSeconds(60), "executor 0's loss reported",
                        () -> failures.stream().anyMatch(c -> c.startsWith("executor 0 lost")));
            }
            assertTrue(t.lastExecutorLossMillis() > lossBefore, "last executor loss moved");
            assertTrue(t.lastExecutorLossMillis() <= System.currentTimeMillis());
            assertEquals(1, t.failures().executorLosses());
            assertFalse(t.monitor().liveExecutors().contains("0"), "the lost executor's window is dropped");
            assertTrue(t.monitor().window("0").isEmpty());
            double mtbf = policy.mtbfEstimator().mtbfSeconds(System.currentTimeMillis());
            assertEquals(1, policy.mtbfEstimator().failureCount());
            assertTrue(mtbf < settings.mtbfPriorSeconds(), "MTBF " + mtbf + " s after a loss, prior "
                    + settings.mtbfPriorSeconds() + " s");
        } finally {
            sc.stop();
        }
    }

    /** The JVM of executor {@code id}: a child of this JVM (the local-cluster worker runs here). */
    static ProcessHandle executorJvm(String id) {
        List<ProcessHandle> found = ProcessHandle.current().descendants().filter(p -> {
            List<String> args = Arrays.asList(p.info().arguments().orElse(new String[0]));
            int i = args.indexOf("--executor-id");
            return args.contains("org.apache.spark.executor.CoarseGrainedExecutorBackend") && i >= 0
                    && i + 1 < args.size() && args.get(i + 1).equals(id);
        }).collect(Collectors.toList());
        assertEquals(1, found.size(), "executor " + id + " JVMs: " + found);
        return found.get(0);
    }
}
