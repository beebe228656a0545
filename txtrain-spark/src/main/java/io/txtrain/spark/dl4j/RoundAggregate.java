package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.List;

/**
 * A round's workers combined in partition order: the mean of the states of the workers that had
 * data (bit-identical on every run, see {@link FlatState#mean}), and what the round record and the
 * statistics need from each worker.
 *
 * @param updater the mean updater state, or null when the round does not average it
 * @param workers every worker's result in partition order, including those without data
 */
record RoundAggregate(long round, FlatState params, FlatState updater, List<RoundResult> workers, long[] seeds,
                      long examples, int minibatches, double meanScore, long dataHash, String environment) {

    /**
     * @param results every worker's result, in partition order
     * @throws IllegalStateException if no worker had data, or workers returned states of different sizes
     */
    static RoundAggregate of(long round, List<RoundResult> results, boolean averageUpdater) {
        List<FlatState> ps = new ArrayList<>();
        List<FlatState> us = new ArrayList<>();
        long[] seeds = new long[results.size()];
        long examples = 0;
        int minibatches = 0;
        double score = 0;
        long dataHash = 0;
        for (RoundResult r : results) { // partition order
            seeds[r.partition] = r.seed;
            dataHash = ObjectFitter.combine(dataHash, r.dataHash);
            if (r.examples == 0) {
                continue;
            }
            ps.add(r.params);
            us.add(r.updater);
            examples += r.examples;
            minibatches = Math.max(minibatches, r.minibatches);
            score += r.score;
        }
        if (ps.isEmpty()) {
            throw new IllegalStateException("round " + round + " had no data on any worker");
        }
        return new RoundAggregate(round, FlatState.mean(ps), averageUpdater ? FlatState.mean(us) : null, results,
                seeds, examples, minibatches, score / ps.size(), dataHash,
                EnvironmentFingerprint.combine(results.stream().map(r -> r.environment).toList()));
    }
}
