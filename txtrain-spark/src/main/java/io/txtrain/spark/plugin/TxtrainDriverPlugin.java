package io.txtrain.spark.plugin;

import java.util.Map;

import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.spark.ExecutorNotice;
import io.txtrain.spark.TelemetryRegistry;
import io.txtrain.spark.TxtrainSettings;

/**
 * Driver side of the txtrain plugin.
 *
 * <p>On {@link #init}: validates every {@code spark.txtrain.*} value (an invalid one fails the
 * SparkContext's startup with an {@link IllegalArgumentException} naming the key, the value and
 * the allowed forms), warns about unknown keys under the prefix, registers the
 * {@link FailureTracker} as a Spark listener and publishes a {@link PluginTelemetry} in the
 * {@link TelemetryRegistry} for trainers in this JVM. Metrics are registered in
 * {@link #registerMetrics}; executor samples and executors' notices that they are going away
 * ({@link ExecutorNotice}, acknowledged with {@code true}) and tasks' {@link DriverChannel} deliveries
 * (carried out here, their reply returned) arrive through {@link #receive}. {@link #shutdown}
 * withdraws the telemetry (trainers started afterwards run unmonitored).
 */
public final class TxtrainDriverPlugin implements DriverPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(TxtrainDriverPlugin.class);

    private SparkContext sc;
    private ClusterMonitor monitor;
    private FailureTracker failures;
    private PluginMetrics metrics;
    private PluginTelemetry telemetry;

    @Override
    public Map<String, String> init(SparkContext sc, PluginContext ctx) {
        TxtrainSettings settings;
        try {
            settings = TxtrainSettings.from(ctx.conf(), Map.of()).validate();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("txtrain plugin: invalid configuration, Spark not started: "
                    + e.getMessage(), e);
        }
        this.sc = sc;
        long interval = settings.monitorInterval().toMillis();
        long window = settings.monitorWindow().toMillis();
        monitor = new ClusterMonitor(window, interval, System::currentTimeMillis);
        failures = new FailureTracker(monitor::executorRemoved);
        metrics = new PluginMetrics();
        telemetry = new PluginTelemetry(monitor, failures, metrics, new NoticeBoard(), window);
        sc.addSparkListener(failures);
        TelemetryRegistry.register(telemetry);
        LOG.info("txtrain plugin on: executors sample every {} ms, load window {} ms", interval, window);
        return Map.of();
    }

    @Override
    public void registerMetrics(String appId, PluginContext ctx) {
        metrics.registerWith(ctx.metricRegistry(), monitor, failures);
    }

    @Override
    public Object receive(Object message) {
        if (message instanceof ExecutorSample s) {
            monitor.record(s);
        } else if (message instanceof ExecutorNotice n) {
            telemetry.notices().record(n);
            return Boolean.TRUE; // the executor's shutdown hook asks and waits for this
        } else if (message instanceof DriverChannel.Delivery d) {
            return d.deliverOnDriver();
        } else {
            LOG.warn("txtrain plugin ignored an unexpected message of type {}",
                    message == null ? "null" : message.getClass().getName());
        }
        return null;
    }

    @Override
    public void shutdown() {
        if (telemetry != null) {
            TelemetryRegistry.unregister(telemetry);
            sc.removeSparkListener(failures);
        }
    }
}
