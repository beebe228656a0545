package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.List;

/**
 * A round's workers combined in partition order: the mean of the states of the workers that had
 * data (bit-identical on every run and wherever it is computed, see {@link StateSum}), and what the
 * round record and the statistics need from each worker. Holds no worker's own state.
 *
 * @param updater the mean updater state, or null when the round does not average it
 * @param workers every worker's result without its state, in partition order, including those without data
 * @param problem why the workers' results could not be combined (computed on an executor), else null
 */
@com.esotericsoftware.kryo.DefaultSerializer(com.esotericsoftware.kryo.serializers.JavaSerializer.class) // Kryo cannot build records
record RoundAggregate(long round, FlatState params, FlatState updater, List<RoundResult> workers, long[] seeds,
                      long examples, int minibatches, double meanScore, long dataHash, String environment,
                      String problem) implements Serializable {

    /**
     * Combines results collected on the driver.
     *
     * @param results every worker's result, in partition order
     * @throws IllegalStateException if no worker had data, or workers returned states of different sizes
     */
    static RoundAggregate of(long round, List<RoundResult> results, boolean averageUpdater) {
        RoundAccumulator acc = new RoundAccumulator(round, results.size(), averageUpdater);
        for (RoundResult r : results) {
            acc.offer(r);
        }
        return acc.finish();
    }

    /** An aggregate that could not be formed, carried back from an executor to fail the round on the driver. */
    static RoundAggregate failed(long round, String problem) {
        return new RoundAggregate(round, null, null, List.of(), new long[0], 0, 0, Double.NaN, 0, "", problem);
    }

    /**
     * @return this aggregate
     * @throws IllegalStateException with the reason, if it could not be formed
     */
    RoundAggregate checked() {
        if (problem != null) {
            throw new IllegalStateException(problem);
        }
        return this;
    }
}
