package io.txtrain.spark.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.metrics.source.Source;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.Timer;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.spark.TelemetryRegistry;
import io.txtrain.spark.dl4j.TransactionalTrainingMaster;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/** The plugin in local[2]: loads through spark.plugins, samples the in-process executor, publishes metrics. */
class PluginLocalModeTest {
    static final String SOURCE = "plugin." + TxtrainPlugin.class.getName();
    static JavaSparkContext sc;
    static PluginTelemetry telemetry;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(SparkTestSupport.baseConf("local[2,4]", "plugin-local")
                .set("spark.plugins", TxtrainPlugin.class.getName())
                .set("spark.txtrain.monitor.interval", "200ms"));
        telemetry = (PluginTelemetry) TelemetryRegistry.current();
    }

    @AfterAll
    static void stop() {
        sc.stop();
        assertNull(TelemetryRegistry.current(), "the telemetry is withdrawn when Spark stops");
    }

    @Test
    void inProcessExecutorSamplesReachTheDriver() {
        ClusterMonitor m = telemetry.monitor();
        List<ExecutorSample> w = Await.until(Duration.ofSeconds(30), "3 samples from executor 'driver'", () -> {
            List<ExecutorSample> s = m.window("driver");
            return s.size() >= 3 ? s : null;
        });
        assertEquals(java.util.Set.of("driver"), m.liveExecutors());
        for (ExecutorSample s : w) {
            assertEquals("driver", s.executorId());
            assertTrue(s.heapUsedBytes() > 0 && s.heapUsedBytes() <= Runtime.getRuntime().maxMemory(), s.toString());
            assertTrue(s.gcTimeMillis() >= 0 && s.runningTasks() >= 0, s.toString());
            assertTrue(Double.isNaN(s.processCpuLoad()) || s.processCpuLoad() >= 0 && s.processCpuLoad() <= 1,
                    s.toString());
        }
        double load = telemetry.clusterLoad();
        assertTrue(load >= 0 && load <= 1, "cluster load " + load);
    }

    @Test
    void metricsCountTheTrainingRun() throws Exception {
        JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(480, 7), 3).cache();
        // Round 5: partition 0 fails all four task attempts, so the round is aborted once and retried.
        TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                .averagingFrequency(2).rngSeed(99).checkpointDirectory(tmp.toUri().toString())
                .checkpointPolicy("every-rounds:4").set("spark.txtrain.test.failTasks", "5:0:0,5:0:1,5:0:2,5:0:3")
                .build();
        MetricRegistry r = driverSource();
        List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable sub = telemetry.onFailure((t, cause) -> failures.add(cause))) {
            new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm).fit(data);
            tm.close();
        }
        long committed = RecoveryDirectory.inspect(tmp.toUri(), new Configuration()).lastCommittedRound();
        assertEquals(15, committed);
        assertEquals(committed, ((Counter) r.getMetrics().get("committedRounds")).getCount());
        assertEquals(committed, ((Gauge<?>) r.getMetrics().get("lastCommittedRound")).getValue());
        assertEquals(committed, ((Timer) r.getMetrics().get("commitLatency")).getCount());
        assertEquals(1, ((Counter) r.getMetrics().get("abortedRounds")).getCount());
        assertSame(r.getMetrics().get("abortedRounds"), r.getMetrics().get("roundRetries"));
        // Every snapshot taken in training (a stall) was persisted, plus the initial and the final
        // checkpoint, which are written directly.
        long stalls = ((Timer) r.getMetrics().get("checkpointStall")).getCount();
        assertTrue(stalls >= 1, "stalls " + stalls);
        assertEquals(stalls + 2, ((Timer) r.getMetrics().get("checkpointPersist")).getCount());
        Histogram bytes = (Histogram) r.getMetrics().get("checkpointBytes");
        assertEquals(stalls + 2, bytes.getCount());
        assertTrue(bytes.getSnapshot().getMin() > 0);
        assertEquals(0, ((Counter) r.getMetrics().get("checkpointFailures")).getCount());
        // The four failed attempts (and the failed stage) reached the failure sinks and the gauges.
        Await.condition(Duration.ofSeconds(10), "task failures on the listener bus",
                () -> telemetry.failures().taskFailures() >= 4);
        assertEquals(4L, ((Gauge<?>) r.getMetrics().get("taskFailures")).getValue());
        assertTrue(failures.stream().filter(c -> c.startsWith("task failed")).count() >= 4, failures.toString());
        assertTrue(failures.stream().anyMatch(c -> c.contains("injected")), failures.toString());
        assertEquals(1, ((Gauge<?>) r.getMetrics().get("liveExecutors")).getValue());
    }

    /** The driver plugin's source; in local mode the in-process executor registers one of the same name. */
    static MetricRegistry driverSource() {
        List<Source> sources = scala.collection.JavaConverters.seqAsJavaList(
                SparkEnv.get().metricsSystem().getSourcesByName(SOURCE));
        return sources.stream().map(Source::metricRegistry).filter(r -> r.getMetrics().containsKey("committedRounds"))
                .findFirst().orElseThrow(() -> new AssertionError("no driver source " + SOURCE + " in " + sources));
    }
}
