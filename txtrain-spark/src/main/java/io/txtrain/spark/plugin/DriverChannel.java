package io.txtrain.spark.plugin;

import java.io.Serializable;

import org.apache.spark.api.plugin.PluginContext;

/**
 * A task's synchronous line to the driver through the txtrain plugin's RPC endpoint: the message
 * is carried out on the driver ({@link Delivery#deliverOnDriver}) and its reply returned. Available
 * in an executor whose {@code spark.plugins} includes {@link TxtrainPlugin}; callers fall back to
 * Spark's own paths where it is not.
 */
public final class DriverChannel {
    private static volatile PluginContext executorContext;

    private DriverChannel() {
    }

    /** A message whose effect happens on the driver. */
    public interface Delivery extends Serializable {
        /** Runs on the driver, on the plugin endpoint's thread; the reply goes back to the asking task. */
        Object deliverOnDriver();
    }

    /** True in an executor JVM whose txtrain plugin is running. */
    public static boolean available() {
        return executorContext != null;
    }

    /**
     * Delivers {@code d} and waits for the driver's reply ({@code spark.rpc.askTimeout}).
     *
     * @throws IllegalStateException if the channel is not {@link #available()}
     * @throws Exception             what Spark's RPC throws: a timeout, a lost driver, a message over
     *                               {@code spark.rpc.message.maxSize}
     */
    public static Object deliver(Delivery d) throws Exception {
        PluginContext ctx = executorContext;
        if (ctx == null) {
            throw new IllegalStateException("no txtrain executor plugin in this JVM");
        }
        return ctx.ask(d);
    }

    static void open(PluginContext ctx) {
        executorContext = ctx;
    }

    static void close(PluginContext ctx) {
        if (executorContext == ctx) {
            executorContext = null;
        }
    }
}
