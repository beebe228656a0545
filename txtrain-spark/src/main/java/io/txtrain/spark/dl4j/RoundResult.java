package io.txtrain.spark.dl4j;

import java.io.Serializable;

/** What one worker (one partition of a round) returns: its state and what the round record needs of it. */
final class RoundResult implements Serializable {
    private static final long serialVersionUID = 1L;
    final int partition;
    final FlatState params;
    final FlatState updater;
    final double score;
    final long examples;
    final int minibatches;
    final long dataHash;
    final long seed;
    final long fitStartMillis;
    final long fitMillis;
    /** When the task started, and how long it took to read its data and to set up the model (ms). */
    final long taskStartMillis;
    final long dataMillis;
    final long initMillis;
    /** Duration and example count of each minibatch fit, in order (ms). */
    final long[] minibatchMillis;
    final long[] minibatchExamples;
    /** The executor's {@link EnvironmentFingerprint}. */
    final String environment;

    RoundResult(int partition, FlatState params, FlatState updater, double score, long examples, int minibatches,
                long dataHash, long seed, long fitStartMillis, long fitMillis, long taskStartMillis, long dataMillis,
                long initMillis, long[] minibatchMillis, long[] minibatchExamples, String environment) {
        this.partition = partition;
        this.params = params;
        this.updater = updater;
        this.score = score;
        this.examples = examples;
        this.minibatches = minibatches;
        this.dataHash = dataHash;
        this.seed = seed;
        this.fitStartMillis = fitStartMillis;
        this.fitMillis = fitMillis;
        this.taskStartMillis = taskStartMillis;
        this.dataMillis = dataMillis;
        this.initMillis = initMillis;
        this.minibatchMillis = minibatchMillis;
        this.minibatchExamples = minibatchExamples;
        this.environment = environment;
    }

    /** This result's metadata, without the worker's state (what the driver keeps of each worker). */
    RoundResult withoutState() {
        return params == null && updater == null ? this : new RoundResult(partition, null, null, score, examples,
                minibatches, dataHash, seed, fitStartMillis, fitMillis, taskStartMillis, dataMillis, initMillis,
                minibatchMillis, minibatchExamples, environment);
    }

    /** This result with other states (slices of its own), the same metadata. */
    RoundResult withState(FlatState params, FlatState updater) {
        return new RoundResult(partition, params, updater, score, examples, minibatches, dataHash, seed, fitStartMillis,
                fitMillis, taskStartMillis, dataMillis, initMillis, minibatchMillis, minibatchExamples, environment);
    }

    static RoundResult empty(int partition, long seed, String environment) {
        return new RoundResult(partition, null, null, Double.NaN, 0, 0, 0, seed, 0, 0, 0, 0, 0, new long[0], new long[0],
                environment);
    }
}
