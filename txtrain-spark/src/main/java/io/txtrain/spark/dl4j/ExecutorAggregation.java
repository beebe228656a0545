package io.txtrain.spark.dl4j;

import java.util.Iterator;
import java.util.List;

import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.Tuple2;

/**
 * Averages a round's worker results on an executor: every worker's result is shuffled to one
 * reduce task, which folds them in partition order ({@link RoundAccumulator}) as they arrive; the
 * driver receives one {@link RoundAggregate}. The shuffle's files are removed when the round's job
 * ends, failed or not.
 */
final class ExecutorAggregation {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorAggregation.class);

    private ExecutorAggregation() {
    }

    /**
     * Runs the round's job.
     *
     * @throws IllegalStateException if the results could not be combined (no data on any worker, states of
     *     different sizes); Spark's exceptions of a failed job as {@code collect} throws them
     */
    static RoundAggregate aggregate(JavaRDD<RoundResult> results, long round, boolean averageUpdater) {
        int workers = results.getNumPartitions();
        JavaPairRDD<Integer, RoundResult> toOne = results.mapToPair(new KeyByPartition())
                .partitionBy(new HashPartitioner(1));
        int shuffleId = ((ShuffleDependency<?, ?, ?>) toOne.rdd().dependencies().head()).shuffleId();
        try {
            List<RoundAggregate> one = toOne.mapPartitions(new Combine(round, workers, averageUpdater)).collect();
            return one.get(0).checked();
        } finally {
            removeShuffle(results, shuffleId);
        }
    }

    /** Without this, each round's shuffle files would stay on the executors' disks until a driver GC. */
    private static void removeShuffle(JavaRDD<?> rdd, int shuffleId) {
        scala.Option<org.apache.spark.ContextCleaner> cleaner = rdd.context().cleaner();
        if (cleaner.isDefined()) {
            cleaner.get().doCleanupShuffle(shuffleId, false);
        } else {
            LOG.debug("no context cleaner (spark.cleaner.referenceTracking=false): shuffle {} stays", shuffleId);
        }
    }

    private static final class KeyByPartition implements PairFunction<RoundResult, Integer, RoundResult> {
        private static final long serialVersionUID = 1L;

        @Override
        public Tuple2<Integer, RoundResult> call(RoundResult r) {
            return new Tuple2<>(r.partition, r);
        }
    }

    /** The reduce task: folds what arrives, in partition order; a problem goes back to the driver, not retried. */
    private static final class Combine
            implements FlatMapFunction<Iterator<Tuple2<Integer, RoundResult>>, RoundAggregate> {
        private static final long serialVersionUID = 1L;
        private final long round;
        private final int workers;
        private final boolean averageUpdater;

        Combine(long round, int workers, boolean averageUpdater) {
            this.round = round;
            this.workers = workers;
            this.averageUpdater = averageUpdater;
        }

        @Override
        public Iterator<RoundAggregate> call(Iterator<Tuple2<Integer, RoundResult>> arriving) {
            RoundAccumulator acc = new RoundAccumulator(round, workers, averageUpdater);
            String problem = null;
            while (arriving.hasNext()) { // Spark's own failures (fetch, kill) propagate: the job fails
                RoundResult r = arriving.next()._2();
                if (problem == null) {
                    try {
                        acc.offer(r);
                    } catch (IllegalStateException e) {
                        problem = e.getMessage();
                    }
                }
            }
            RoundAggregate result;
            try {
                result = problem != null ? RoundAggregate.failed(round, problem) : acc.finish();
            } catch (IllegalStateException e) {
                result = RoundAggregate.failed(round, e.getMessage());
            }
            return List.of(result).iterator();
        }
    }
}
