package io.txtrain.spark.plugin;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.spark.SparkEnv;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.codahale.metrics.Gauge;
import com.codahale.metrics.MetricRegistry;

import io.txtrain.spark.TxtrainSettings;

/**
 * Executor side of the txtrain plugin: every {@code spark.txtrain.monitor.interval} it takes an
 * {@link ExecutorSample} on a daemon thread and sends it to the driver plugin; it counts running
 * tasks from the task callbacks and exposes the latest sample as executor metrics
 * ({@code processCpuLoad}, {@code systemCpuLoad}, {@code heapUsed}, {@code gcTime},
 * {@code runningTasks}, {@code gpuUtilization}; not for local mode's in-process executor, whose
 * JVM is the driver's).
 *
 * <p>Failure behaviour: monitoring never fails the executor. Unreadable settings fall back to the
 * defaults with a warning (the driver has validated them already); a sample that cannot be taken
 * or sent is dropped and logged (the first at WARN, later ones at DEBUG); the next interval tries
 * again. Samples are fire-and-forget: none is retried, so the driver may miss some.
 */
public final class TxtrainExecutorPlugin implements ExecutorPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(TxtrainExecutorPlugin.class);
    /** Executor id of local mode's in-process executor (Spark's driver identifier). */
    static final String LOCAL_EXECUTOR_ID = "driver";

    private final AtomicInteger runningTasks = new AtomicInteger();
    private final AtomicReference<ExecutorSample> latest = new AtomicReference<>();
    private ScheduledExecutorService scheduler;
    private PluginContext ctx;
    private ExecutorSampler sampler;
    private boolean sendFailureLogged;
    private LeavingNotifier notifier;

    @Override
    public void init(PluginContext ctx, Map<String, String> extraConf) {
        this.ctx = ctx;
        TxtrainSettings settings = TxtrainSettings.from(ctx.conf(), Map.of());
        Duration interval = Duration.ofSeconds(1);
        boolean gpu = true;
        Duration gpuTimeout = Duration.ofSeconds(2);
        boolean notices = true;
        try {
            interval = settings.monitorInterval();
            gpu = settings.monitorGpu();
            gpuTimeout = settings.monitorGpuTimeout();
            notices = settings.monitorNotices();
        } catch (IllegalArgumentException e) {
            LOG.warn("txtrain monitoring uses its defaults on executor {}: {}", ctx.executorID(), e.getMessage());
        }
        sampler = new ExecutorSampler(ctx.executorID(), host(), runningTasks::get,
                new GpuProbe(gpu, gpuTimeout));
        if (!LOCAL_EXECUTOR_ID.equals(ctx.executorID())) {
            // Local mode's in-process executor shares the driver's metrics system: its JVM is the driver's.
            registerGauges(ctx.metricRegistry());
            DriverChannel.open(ctx);
            if (notices) {
                announceLeaving(ctx);
            }
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "txtrain-executor-monitor");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::sampleAndSend, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("txtrain monitoring on executor {}: a sample every {} ms{}", ctx.executorID(),
                interval.toMillis(), gpu ? "" : " (GPU probe disabled by " + TxtrainSettings.MONITOR_GPU + ")");
    }

    private void announceLeaving(PluginContext ctx) {
        notifier = new LeavingNotifier(ctx.executorID(), n -> {
            try {
                ctx.send(n);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, n -> {
            try {
                ctx.ask(n);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        if (ctx.conf().getBoolean("spark.decommission.enabled", false)) {
            notifier.interceptDecommissionSignal(ctx.conf().get("spark.executor.decommission.signal", "PWR"));
        }
        notifier.announceShutdown();
    }

    /**
     * The executor's host as Spark names it. Not {@code PluginContext.hostname()}: it fails in
     * executors, whose RPC environment is client-only and has no address.
     */
    private static String host() {
        try {
            return SparkEnv.get().blockManager().blockManagerId().host();
        } catch (RuntimeException e) {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (IOException | RuntimeException e2) {
                return "unknown";
            }
        }
    }

    private void sampleAndSend() {
        try {
            ExecutorSample s = sampler.sample();
            latest.set(s);
            ctx.send(s);
        } catch (Exception e) { // never let the scheduler stop: the next interval tries again
            if (!sendFailureLogged) {
                sendFailureLogged = true;
                LOG.warn("txtrain sample of executor {} not delivered (further failures at DEBUG): {}",
                        ctx.executorID(), e.toString());
            } else {
                LOG.debug("txtrain sample of executor {} not delivered: {}", ctx.executorID(), e.toString());
            }
        }
    }

    private void registerGauges(MetricRegistry r) {
        r.register("processCpuLoad", (Gauge<Double>) () -> field(s -> s.processCpuLoad()));
        r.register("systemCpuLoad", (Gauge<Double>) () -> field(s -> s.systemCpuLoad()));
        r.register("heapUsed", (Gauge<Long>) () -> {
            ExecutorSample s = latest.get();
            return s == null ? 0L : s.heapUsedBytes();
        });
        r.register("gcTime", (Gauge<Long>) () -> {
            ExecutorSample s = latest.get();
            return s == null ? 0L : s.gcTimeMillis();
        });
        r.register("runningTasks", (Gauge<Integer>) runningTasks::get);
        r.register("gpuUtilization", (Gauge<Double>) () -> field(ExecutorSample::meanGpuUtilizationPercent));
    }

    private double field(java.util.function.ToDoubleFunction<ExecutorSample> f) {
        ExecutorSample s = latest.get();
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    @Override
    public void onTaskStart() {
        runningTasks.incrementAndGet();
    }

    @Override
    public void onTaskSucceeded() {
        taskEnded();
    }

    @Override
    public void onTaskFailed(TaskFailedReason failureReason) {
        taskEnded();
    }

    private void taskEnded() {
        runningTasks.updateAndGet(n -> Math.max(0, n - 1));
    }

    @Override
    public void shutdown() {
        if (ctx != null) {
            DriverChannel.close(ctx);
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        if (notifier != null) {
            notifier.close();
        }
    }
}
