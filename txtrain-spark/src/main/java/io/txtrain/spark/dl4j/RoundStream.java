package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import io.txtrain.spark.plugin.DriverChannel;

/**
 * The driver's side of consecutive rounds run as one Spark job ({@link StreamTask}): one task per
 * worker stays for all of them, takes each round's input from here, and leaves its result here.
 *
 * <p>Guarantees. A round's input is published only by the driver, after the previous round's
 * results are all in (and never for a round the driver did not launch), so every result here was
 * computed from that round's one input. A worker's round is counted once: the first result of
 * the round the worker owes; another attempt's result of the same round (a retried or speculative
 * task, the same bits) is not counted again. {@link #close} ends the stream: no input is given
 * out and no result is taken after it; the results already complete stay readable.
 */
final class RoundStream implements AutoCloseable {
    private static final Map<String, RoundStream> OPEN = new ConcurrentHashMap<>();
    /** A poll's reply when the round the worker owes has no input yet. */
    static final String NOT_YET = "not-yet";

    final String id = UUID.randomUUID().toString();
    final long firstRound;
    final int firstSplit;
    final int rounds;
    final int workers;
    private final RoundInput[] inputs;
    private final byte[][] inputBytes;
    private final RoundResult[][] results;
    private final int[] counts;
    private final long[] receivedNanos;
    private final int[] owed;
    private int published;
    private boolean closed;

    /** Opens a stream for rounds {@code firstRound ..} (splits {@code firstSplit ..}) of {@code workers} workers. */
    RoundStream(long firstRound, int firstSplit, int rounds, int workers) {
        this.firstRound = firstRound;
        this.firstSplit = firstSplit;
        this.rounds = rounds;
        this.workers = workers;
        this.inputs = new RoundInput[rounds];
        this.inputBytes = new byte[rounds][];
        this.results = new RoundResult[rounds][];
        this.counts = new int[rounds];
        this.receivedNanos = new long[rounds];
        this.owed = new int[workers];
        OPEN.put(id, this);
    }

    /** True if {@code round} is this stream's next round to publish (and it is open). */
    synchronized boolean accepts(long round) {
        return !closed && published < rounds && round == firstRound + published;
    }

    /** Gives out the next round's input. */
    synchronized void publish(RoundInput input) {
        if (!accepts(input.round)) {
            throw new IllegalStateException("round " + input.round + " is not the next round of stream " + id);
        }
        inputs[published++] = input;
        notifyAll();
    }

    /**
     * The input of the round {@code worker} owes, waiting until it is published; null once the
     * worker owes no round of this stream or the stream is closed. For tasks in the driver's JVM.
     */
    synchronized RoundInput awaitInput(int worker, Runnable whileWaiting) throws InterruptedException {
        while (true) {
            int k = owed[worker];
            if (closed || k >= rounds) {
                return null;
            }
            if (inputs[k] != null) {
                return inputs[k];
            }
            wait(50);
            whileWaiting.run();
        }
    }

    /** {@link #awaitInput} without waiting, serialised, for an executor: its bytes, {@link #NOT_YET} or null. */
    synchronized Object poll(int worker) {
        int k = owed[worker];
        if (closed || k >= rounds) {
            return null;
        }
        if (inputs[k] == null) {
            return NOT_YET;
        }
        if (inputBytes[k] == null) {
            inputBytes[k] = RoundHandoff.serialize(inputs[k]);
        }
        return inputBytes[k];
    }

    /**
     * Takes {@code worker}'s result of {@code round}: counted if it is the round the worker owes.
     *
     * @return false if the stream is closed (the result is not kept)
     */
    synchronized boolean deposit(int worker, long round, RoundResult result) {
        if (closed) {
            return false;
        }
        int k = (int) (round - firstRound);
        if (k != owed[worker]) {
            return true; // that worker's round is in already
        }
        if (results[k] == null) {
            results[k] = new RoundResult[workers];
        }
        results[k][worker] = result;
        owed[worker]++;
        if (++counts[k] == workers) {
            receivedNanos[k] = System.nanoTime();
            inputs[k] = null;
            inputBytes[k] = null;
            notifyAll();
        }
        return true;
    }

    /** A round's results in worker order and when the last came in ({@link System#nanoTime()}). */
    record Results(List<RoundResult> results, long receivedNanos) {
    }

    /**
     * The round's results once all are in, waiting at most {@code millis}; null if they are not
     * (yet). Hands them over once: the stream keeps no reference to them after.
     */
    synchronized Results take(long round, long millis) throws InterruptedException {
        int k = (int) (round - firstRound);
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (counts[k] < workers) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        if (results[k] == null) {
            throw new IllegalStateException("round " + round + "'s results were taken already");
        }
        List<RoundResult> all = new ArrayList<>(Arrays.asList(results[k]));
        results[k] = null;
        return new Results(all, receivedNanos[k]);
    }

    /** How many workers' results of {@code round} are in. */
    synchronized int resultsIn(long round) {
        return counts[(int) (round - firstRound)];
    }

    boolean lastRound(long round) {
        return round == firstRound + rounds - 1;
    }

    /** Ends the stream; waiting tasks get no more input and stop. */
    @Override
    public synchronized void close() {
        closed = true;
        OPEN.remove(id);
        Arrays.fill(inputs, null);
        Arrays.fill(inputBytes, null);
        notifyAll();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** An open stream of this JVM, or null. */
    static RoundStream open(String id) {
        return OPEN.get(id);
    }

    /** Streams open now (for tests). */
    static int openStreams() {
        return OPEN.size();
    }

    /** An executor's task asks for the input of the round its worker owes ({@link #poll}). */
    record Poll(String stream, int worker) implements DriverChannel.Delivery {
        @Override
        public Object deliverOnDriver() {
            RoundStream s = OPEN.get(stream);
            return s == null ? null : s.poll(worker);
        }
    }

    /** An executor's task leaves its worker's result of a round ({@link #deposit}). */
    record Deposit(String stream, int worker, long round, RoundResult result) implements DriverChannel.Delivery {
        @Override
        public Object deliverOnDriver() {
            RoundStream s = OPEN.get(stream);
            return s != null && s.deposit(worker, round, result);
        }
    }
}
