package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.spark.broadcast.Broadcast;

import io.txtrain.spark.plugin.DriverChannel;

/**
 * What one launch of a round's job hands between the driver and its tasks outside Spark's own
 * paths, which serialise every state and move it through the block manager in several round trips:
 *
 * <ul>
 *   <li><b>the round's input</b>: tasks in the driver's own JVM (local mode) read the driver's
 *       object; an executor with the txtrain plugin asks the driver for it once per launch in one
 *       RPC ({@link DriverChannel}) when the driver chose that (a first attempt, a state of at
 *       most {@link #CHANNEL_MAX_BYTES}); elsewhere tasks read the round's broadcast;</li>
 *   <li><b>the workers' results</b>: from the driver's JVM handed over in memory; from an executor
 *       with the txtrain plugin sent in one RPC message ({@link DriverChannel}) while the state is
 *       at most {@link #CHANNEL_MAX_BYTES}; otherwise, and if that send fails, as the task's
 *       result, the path of Spark's {@code collect()}.</li>
 * </ul>
 *
 * <p>This class is the driver's side; the tasks' side is {@link HandoffInput} and
 * {@link HandoffCollector}. Guarantees: the driver receives the very objects the tasks produced,
 * or their serialised copies, so the bits do not depend on the path; a result is used only if
 * Spark reports its task attempt as the partition's successful one (the task's return value names
 * it); nothing outlives the launch: {@link #close} drops its input and every result of it, also
 * those of failed, speculative or cancelled attempts, and a result arriving after that is not
 * kept. A task of a closed launch that still asks for its input fails.
 */
final class RoundHandoff implements AutoCloseable {
    /** Identifies this JVM; a task compares it with the driver's to know where it runs. */
    static final String JVM = UUID.randomUUID().toString();
    private static final Map<String, Launch> OPEN = new ConcurrentHashMap<>();
    /**
     * Largest state sent through the plugin's RPC endpoint (Spark's spark.rpc.message.maxSize is
     * 128 MiB); larger ones are bandwidth-bound, where Spark's own paths do as well.
     */
    static final long CHANNEL_MAX_BYTES = 16L << 20;

    private final String launch = UUID.randomUUID().toString();

    private static final class Launch {
        private final RoundInput input;
        private final Map<Ticket, RoundResult> results = new ConcurrentHashMap<>();
        private byte[] inputBytes;

        Launch(RoundInput input) {
            this.input = input;
        }

        RoundInput input() {
            return input;
        }

        Map<Ticket, RoundResult> results() {
            return results;
        }

        /**
         * The input serialised once for every executor that asks. Plain bytes: an executor's RPC
         * layer may not see the classes of jars added with --jars, its tasks do.
         */
        synchronized byte[] inputBytes() {
            if (inputBytes == null) {
                inputBytes = serialize(input);
            }
            return inputBytes;
        }
    }

    /** A round's input as plain bytes, for an executor (Java serialisation). */
    static byte[] serialize(RoundInput input) {
        // sized for the state and the fields around it, so that the buffer is not copied as it grows
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream(
                (int) Math.min(Integer.MAX_VALUE - 16, stateBytes(input.params, input.updater) + 4096));
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(b)) {
            out.writeObject(input);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** A round's input from {@link #serialize}'s bytes. */
    static RoundInput deserialize(byte[] bytes) {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return (RoundInput) in.readObject();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Opens a launch: its input is readable and its results are kept here until {@link #close}. */
    RoundHandoff(RoundInput input) {
        OPEN.put(launch, new Launch(input));
    }

    /**
     * The tasks' source of the round's input: in other JVMs {@code broadcast}, or with
     * {@code broadcast} null the plugin's channel.
     */
    HandoffInput input(Broadcast<RoundInput> broadcast) {
        return new HandoffInput(JVM, launch, broadcast);
    }

    /** True if the input of {@code input}'s size may go through the plugin's channel. */
    static boolean fitsChannel(RoundInput input) {
        return stateBytes(input.params, input.updater) <= CHANNEL_MAX_BYTES;
    }

    static long stateBytes(FlatState params, FlatState updater) {
        return (params == null ? 0 : params.sizeBytes()) + (updater == null ? 0 : updater.sizeBytes());
    }

    /** The function that collects a partition's results on the executor, for {@code SparkContext.runJob}. */
    HandoffCollector collector() {
        return new HandoffCollector(JVM, launch);
    }

    /**
     * The results in partition order, each handed-off one replaced by the object its task left here.
     *
     * @throws IllegalStateException if a named result is not here (it cannot be: the task left it
     *                               before it returned, and only {@link #close} removes it)
     */
    List<RoundResult> resolve(Object[] partitions) {
        Launch open = OPEN.get(launch);
        List<RoundResult> all = new ArrayList<>();
        for (Object p : partitions) {
            for (Object o : (List<?>) p) {
                if (o instanceof Ticket t) {
                    RoundResult r = open == null ? null : open.results().get(t);
                    if (r == null) {
                        throw new IllegalStateException("result " + t.index + " of task attempt " + t.taskAttempt
                                + " was handed to the driver but is not there (launch " + launch + ")");
                    }
                    all.add(r);
                } else {
                    all.add((RoundResult) o);
                }
            }
        }
        return all;
    }

    /** Drops every result of this launch. */
    @Override
    public void close() {
        OPEN.remove(launch);
    }

    /** The results of an open launch in this JVM, or null. */
    static Map<Ticket, RoundResult> results(String launch) {
        Launch open = OPEN.get(launch);
        return open == null ? null : open.results();
    }

    /** The input of an open launch in this JVM, or null. */
    static RoundInput input(String launch) {
        Launch open = OPEN.get(launch);
        return open == null ? null : open.input();
    }

    /** Launches open now (for tests). */
    static int openLaunches() {
        return OPEN.size();
    }

    /** Asks the driver for a launch's input, serialised; null once the launch is closed. */
    record FetchInput(String launch) implements DriverChannel.Delivery {
        @Override
        public Object deliverOnDriver() {
            Launch open = OPEN.get(launch);
            return open == null ? null : open.inputBytes();
        }
    }

    /** Names a result left with the driver by the task attempt that made it. */
    @com.esotericsoftware.kryo.DefaultSerializer(com.esotericsoftware.kryo.serializers.JavaSerializer.class) // Kryo
    record Ticket(long taskAttempt, int index) implements Serializable {
    }

    /** A result sent to the driver through the plugin; kept there while its launch is open. */
    record Deposit(String launch, Ticket ticket, RoundResult result) implements DriverChannel.Delivery {
        @Override
        public Object deliverOnDriver() {
            Launch open = OPEN.get(launch);
            if (open == null) {
                return Boolean.FALSE; // closed (the job was cancelled or the round is over), or not this driver's
            }
            open.results().put(ticket, result);
            return Boolean.TRUE;
        }
    }
}
