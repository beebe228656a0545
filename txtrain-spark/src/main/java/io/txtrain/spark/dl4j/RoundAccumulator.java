package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Combines a round's worker results into a {@link RoundAggregate}. Results may be offered in any
 * order; they are folded in partition order (a result that arrives early waits until those before
 * it are folded), so the aggregate is the same bits whatever the arrival order and wherever it is
 * computed. Only the running sums and early arrivals are held, never every worker's state at once
 * unless they arrive in reverse order.
 */
final class RoundAccumulator {
    private final long round;
    private final int workers;
    private final boolean averageUpdater;
    private final TreeMap<Integer, RoundResult> early = new TreeMap<>();
    private final List<RoundResult> folded = new ArrayList<>();
    private final StateSum params = new StateSum();
    private final StateSum updater = new StateSum();
    private final long[] seeds;
    private long examples;
    private int minibatches;
    private double score;
    private long dataHash;

    /** @param workers the round's partition count: results 0 .. workers - 1 are expected */
    RoundAccumulator(long round, int workers, boolean averageUpdater) {
        this.round = round;
        this.workers = workers;
        this.averageUpdater = averageUpdater;
        this.seeds = new long[workers];
    }

    /** @throws IllegalStateException on a partition out of range or offered twice, or states of different sizes */
    void offer(RoundResult r) {
        if (r.partition < folded.size() || r.partition >= workers || early.containsKey(r.partition)) {
            throw new IllegalStateException("round " + round + ": unexpected result of partition " + r.partition
                    + " (" + workers + " workers)");
        }
        early.put(r.partition, r);
        while (!early.isEmpty() && early.firstKey() == folded.size()) {
            fold(early.pollFirstEntry().getValue());
        }
    }

    private void fold(RoundResult r) {
        seeds[r.partition] = r.seed;
        dataHash = ObjectFitter.combine(dataHash, r.dataHash);
        folded.add(r.withoutState());
        if (r.examples == 0) {
            return;
        }
        params.add(r.params);
        if (averageUpdater) {
            updater.add(r.updater);
        }
        examples += r.examples;
        minibatches = Math.max(minibatches, r.minibatches);
        score += r.score;
    }

    /** @throws IllegalStateException if a worker's result is missing or no worker had data */
    RoundAggregate finish() {
        if (folded.size() != workers) {
            throw new IllegalStateException("round " + round + ": " + folded.size() + " of " + workers
                    + " worker results arrived in order");
        }
        if (params.count() == 0) {
            throw new IllegalStateException("round " + round + " had no data on any worker");
        }
        return new RoundAggregate(round, params.mean(), averageUpdater ? updater.mean() : null, List.copyOf(folded),
                seeds, examples, minibatches, score / params.count(), dataHash,
                EnvironmentFingerprint.combine(folded.stream().map(r -> r.environment).toList()), null);
    }
}
