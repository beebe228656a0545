package io.txtrain.spark.plugin;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.spark.ExecutorNotice;

/**
 * Executor side of the notices: tells the driver as soon as this executor learns it is going away.
 *
 * <ul>
 *   <li><b>Decommissioning.</b> With {@code spark.decommission.enabled=true} Spark's
 *       {@code CoarseGrainedExecutorBackend} handles the decommission signal
 *       ({@code spark.executor.decommission.signal}, default {@code PWR}: what Kubernetes'
 *       pre-stop hook and cluster tooling send). This class puts its own handler in front of
 *       Spark's: it sends the notice, then passes the signal on to the handler that was there, so
 *       Spark's decommissioning proceeds unchanged.</li>
 *   <li><b>Graceful JVM shutdown</b> (SIGTERM, {@code System.exit}, including the exit at the end of
 *       a decommission): a JVM shutdown hook sends the notice and waits up to
 *       {@link #SHUTDOWN_WAIT_MILLIS} for the driver to acknowledge it.</li>
 * </ul>
 * Failure behaviour: never fails the executor; a signal that cannot be intercepted (unknown name,
 * handler refused by the JVM) is logged and leaves only the shutdown hook. Each kind of notice is
 * sent at most once.
 */
final class LeavingNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(LeavingNotifier.class);
    static final long SHUTDOWN_WAIT_MILLIS = 2000;

    private final String executorId;
    private final Consumer<ExecutorNotice> send;
    private final Consumer<ExecutorNotice> ask;
    private final AtomicBoolean decommissionSent = new AtomicBoolean();
    private final AtomicBoolean shutdownSent = new AtomicBoolean();
    private Thread hook;

    /**
     * @param send fire-and-forget delivery (plugin RPC send)
     * @param ask delivery that returns once the driver has the notice (plugin RPC ask)
     */
    LeavingNotifier(String executorId, Consumer<ExecutorNotice> send, Consumer<ExecutorNotice> ask) {
        this.executorId = executorId;
        this.send = send;
        this.ask = ask;
    }

    /** Intercepts {@code SIG<signal>} ahead of the handler installed before (Spark's). */
    void interceptDecommissionSignal(String signal) {
        try {
            sun.misc.Signal sig = new sun.misc.Signal(signal);
            sun.misc.SignalHandler[] previous = new sun.misc.SignalHandler[1];
            previous[0] = sun.misc.Signal.handle(sig, s -> {
                decommissioning("decommissioning (SIG" + signal + ")");
                sun.misc.SignalHandler p = previous[0];
                if (p != null && p != sun.misc.SignalHandler.SIG_DFL && p != sun.misc.SignalHandler.SIG_IGN) {
                    p.handle(s);
                }
            });
            LOG.info("txtrain: executor {} announces decommissioning on SIG{}", executorId, signal);
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LOG.warn("txtrain: cannot intercept SIG{} on executor {} ({}); decommissioning is announced only"
                    + " when the JVM shuts down", signal, executorId, e.getMessage());
        }
    }

    /** Sends a shutdown notice from a JVM shutdown hook. */
    void announceShutdown() {
        hook = new Thread(this::shuttingDown, "txtrain-shutdown-notice");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    void decommissioning(String what) {
        if (decommissionSent.compareAndSet(false, true)) {
            deliver(send, new ExecutorNotice(executorId, System.currentTimeMillis(), what));
        }
    }

    private void shuttingDown() {
        if (!shutdownSent.compareAndSet(false, true)) {
            return;
        }
        ExecutorNotice n = new ExecutorNotice(executorId, System.currentTimeMillis(), "JVM shutdown");
        Thread t = new Thread(() -> deliver(ask, n), "txtrain-shutdown-notice-send");
        t.setDaemon(true);
        t.start();
        try {
            t.join(SHUTDOWN_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deliver(Consumer<ExecutorNotice> via, ExecutorNotice n) {
        try {
            via.accept(n);
            LOG.info("txtrain: executor {} told the driver it is going away ({})", executorId, n.what());
        } catch (RuntimeException e) {
            LOG.warn("txtrain: executor {} could not tell the driver it is going away ({}): {}", executorId,
                    n.what(), e.toString());
        }
    }

    /** Removes the shutdown hook (the executor stops normally); no-op during shutdown. */
    void close() {
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        }
    }
}
