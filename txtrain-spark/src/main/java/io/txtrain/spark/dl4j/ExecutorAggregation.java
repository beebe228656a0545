package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import com.esotericsoftware.kryo.DefaultSerializer;
import com.esotericsoftware.kryo.serializers.JavaSerializer;

import org.apache.spark.HashPartitioner;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import scala.Tuple2;
import scala.runtime.AbstractFunction1;

/**
 * Averages a round's worker results on the executors: every worker's state is cut into the same
 * contiguous slices, slice k of every worker is shuffled to reduce task k, which folds them in
 * partition order ({@link RoundAccumulator}) as they arrive; the driver receives the mean slice by
 * slice into one state ({@link MeanAssembly}). Each element's mean is the same fold wherever it is
 * computed, so any slice count gives the same bits as averaging on the driver. The shuffle's files
 * are removed when the round's job ends, failed or not.
 */
final class ExecutorAggregation {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorAggregation.class);
    static final int MAX_SLICES = 1024;

    private ExecutorAggregation() {
    }

    /** How many tasks average a state of {@code stateBytes}: one per {@code sliceBytes}, 1 to {@link #MAX_SLICES}. */
    static int slices(long stateBytes, long sliceBytes) {
        return (int) Math.max(1, Math.min(MAX_SLICES, (stateBytes + sliceBytes - 1) / sliceBytes));
    }

    /** The first element of slice {@code k} of {@code slices} of a vector of {@code length} elements. */
    static int sliceStart(int length, int k, int slices) {
        return (int) ((long) length * k / slices);
    }

    /**
     * Runs the round's job.
     *
     * @throws IllegalStateException if the results could not be combined (no data on any worker, states of
     *     different sizes); Spark's exceptions of a failed job as {@code runJob} throws them
     */
    static RoundAggregate aggregate(JavaRDD<RoundResult> results, long round, boolean averageUpdater, int slices) {
        int workers = results.getNumPartitions();
        JavaPairRDD<Integer, WorkerSlice> bySlice = results.flatMapToPair(new Slice(slices, averageUpdater))
                .partitionBy(new HashPartitioner(slices)); // key k < slices goes to reduce task k
        int shuffleId = ((ShuffleDependency<?, ?, ?>) bySlice.rdd().dependencies().head()).shuffleId();
        MeanAssembly mean = new MeanAssembly(round, slices);
        try {
            results.context().runJob(bySlice.rdd(), new Combine(round, workers, averageUpdater), mean,
                    scala.reflect.ClassTag$.MODULE$.apply(MeanSlice.class));
            return mean.whole();
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

    /** One slice of one worker's result, and the lengths of the worker's whole states (-1: none). */
    @DefaultSerializer(JavaSerializer.class) // Kryo (spark.serializer) cannot build records
    record WorkerSlice(int paramsLength, int updaterLength, RoundResult part) implements Serializable {
    }

    /**
     * The mean of slice {@code index}, and the lengths of the whole states it is part of (-1: none);
     * a failed {@code part} says why the round's results could not be combined.
     */
    @DefaultSerializer(JavaSerializer.class)
    record MeanSlice(int index, int paramsLength, int updaterLength, RoundAggregate part) implements Serializable {
    }

    /** The map side: a worker's result as one record per slice, viewing its state (not copying it). */
    private static final class Slice implements PairFlatMapFunction<RoundResult, Integer, WorkerSlice> {
        private static final long serialVersionUID = 1L;
        private final int slices;
        private final boolean averageUpdater;

        Slice(int slices, boolean averageUpdater) {
            this.slices = slices;
            this.averageUpdater = averageUpdater;
        }

        @Override
        public Iterator<Tuple2<Integer, WorkerSlice>> call(RoundResult r) {
            FlatState u = averageUpdater ? r.updater : null;
            int pl = r.params == null ? -1 : r.params.length();
            int ul = u == null ? -1 : u.length();
            List<Tuple2<Integer, WorkerSlice>> out = new ArrayList<>(slices);
            for (int k = 0; k < slices; k++) {
                RoundResult part = r.withState(pl < 0 ? null : slice(r.params, k), ul < 0 ? null : slice(u, k));
                out.add(new Tuple2<>(k, new WorkerSlice(pl, ul, part)));
            }
            return out.iterator();
        }

        private FlatState slice(FlatState s, int k) {
            return s.slice(sliceStart(s.length(), k, slices), sliceStart(s.length(), k + 1, slices));
        }
    }

    /** A reduce task: folds its slice of every worker, in partition order; a problem goes back to the driver, not retried. */
    private static final class Combine extends AbstractFunction1<scala.collection.Iterator<Tuple2<Integer, WorkerSlice>>,
            MeanSlice> implements Serializable {
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
        public MeanSlice apply(scala.collection.Iterator<Tuple2<Integer, WorkerSlice>> arriving) {
            RoundAccumulator acc = new RoundAccumulator(round, workers, averageUpdater);
            int paramsLength = -1;
            int updaterLength = -1;
            String problem = null;
            while (arriving.hasNext()) { // Spark's own failures (fetch, kill) propagate: the job fails
                WorkerSlice w = arriving.next()._2();
                if (problem == null) {
                    try {
                        if (w.part().examples > 0 && paramsLength < 0) {
                            paramsLength = w.paramsLength();
                            updaterLength = w.updaterLength();
                        } else if (w.part().examples > 0 && (paramsLength != w.paramsLength()
                                || updaterLength != w.updaterLength())) {
                            throw new IllegalStateException("workers returned states of different sizes");
                        }
                        acc.offer(w.part());
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
            return new MeanSlice(TaskContext.getPartitionId(), paramsLength, updaterLength, result);
        }
    }
}
