package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.apache.spark.broadcast.Broadcast;

import io.txtrain.spark.plugin.DriverChannel;

/**
 * A round's input as its tasks read it ({@link RoundHandoff}): the driver's object in the driver's
 * JVM; elsewhere the round's broadcast or, where the driver did not broadcast it, the driver's copy,
 * asked for once per executor through the plugin ({@link DriverChannel}).
 */
final class HandoffInput implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Inputs fetched by this executor, by launch: the round's and the next one's. */
    private static final Map<String, CompletableFuture<RoundInput>> FETCHED = new LinkedHashMap<>();
    private static final int FETCHED_KEPT = 2;

    private final String driverJvm;
    private final String launch;
    private final Broadcast<RoundInput> broadcast;

    HandoffInput(String driverJvm, String launch, Broadcast<RoundInput> broadcast) {
        this.driverJvm = driverJvm;
        this.launch = launch;
        this.broadcast = broadcast;
    }

    /**
     * @throws IllegalStateException if the launch was closed (its job was cancelled), or the driver
     *                               could not be asked
     */
    RoundInput value() {
        if (RoundHandoff.JVM.equals(driverJvm)) {
            RoundInput input = RoundHandoff.input(launch);
            if (input == null) {
                throw new IllegalStateException("the round's input is gone: its launch " + launch + " was closed");
            }
            return input;
        }
        return broadcast != null ? broadcast.value() : fetch(launch);
    }

    /** The launch's input from the driver, asked for once per executor. */
    private static RoundInput fetch(String launch) {
        CompletableFuture<RoundInput> f;
        boolean mine = false;
        synchronized (FETCHED) {
            f = FETCHED.get(launch);
            if (f == null) {
                f = new CompletableFuture<>();
                FETCHED.put(launch, f);
                mine = true;
                Iterator<String> oldest = FETCHED.keySet().iterator();
                while (FETCHED.size() > FETCHED_KEPT) {
                    oldest.next();
                    oldest.remove();
                }
            }
        }
        if (mine) {
            try {
                Object reply = DriverChannel.deliver(new RoundHandoff.FetchInput(launch));
                if (reply == null) {
                    throw new IllegalStateException("the round's input is gone: its launch " + launch + " was closed");
                }
                f.complete(RoundHandoff.deserialize((byte[]) reply));
            } catch (Exception e) {
                synchronized (FETCHED) {
                    FETCHED.remove(launch, f);
                }
                f.completeExceptionally(e);
            }
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            throw new IllegalStateException("could not get the round's input from the driver through the txtrain "
                    + "plugin: " + e.getCause(), e.getCause());
        }
    }
}
