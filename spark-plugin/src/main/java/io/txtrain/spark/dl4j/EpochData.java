package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.storage.StorageLevel;

import io.txtrain.training.EpochPermutation;
import io.txtrain.training.RoundSchedule;
import io.txtrain.training.Seeds;
import scala.Tuple2;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * One epoch's training data, cut into rounds: every object gets a position in the epoch's permuted
 * order, and the data is laid out with one Spark partition per (round, worker). Requires the input
 * RDD to be deterministic (the same objects in the same order whenever it is computed).
 */
final class EpochData<P extends java.io.Serializable> implements AutoCloseable {
    private final JavaPairRDD<Integer, Placed<P>> laidOut;
    private final RoundSchedule schedule;
    private final String fingerprint;

    private EpochData(JavaPairRDD<Integer, Placed<P>> laidOut, RoundSchedule schedule, String fingerprint) {
        this.laidOut = laidOut;
        this.schedule = schedule;
        this.fingerprint = fingerprint;
    }

    /** Object count, per-partition offsets and content hash of an input RDD, in input order. */
    record Stats(long objects, long[] offsets, String fingerprint) {
    }

    /**
     * Counts and fingerprints the data: one Spark job. The fingerprint is a polynomial hash of the
     * objects' hashes in input order, so it does not depend on how the input is partitioned.
     */
    static <T, P extends java.io.Serializable> Stats stats(JavaRDD<T> data, ObjectFitter<T, P> fitter) {
        List<long[]> stats = data.mapPartitionsWithIndex((idx, it) -> {
            long n = 0;
            long h = 0;
            while (it.hasNext()) {
                h = h * FINGERPRINT_BASE + Seeds.mix(fitter.hash(fitter.pack(it.next())));
                n++;
            }
            return List.of(new long[] {idx, n, h}).iterator();
        }, true).collect();
        long[] offsets = new long[stats.size()];
        long total = 0;
        long fp = 0;
        for (long[] s : stats) {
            offsets[(int) s[0]] = total;
            total += s[1];
            fp = fp * power(FINGERPRINT_BASE, s[1]) + s[2];
        }
        return new Stats(total, offsets, String.format("%d:%016x", total, fp));
    }

    private static final long FINGERPRINT_BASE = 0x9E3779B97F4A7C15L | 1;

    private static long power(long base, long exp) {
        long r = 1;
        long b = base;
        for (long e = exp; e > 0; e >>= 1) {
            if ((e & 1) != 0) {
                r *= b;
            }
            b *= b;
        }
        return r;
    }

    /** Lays the data out for {@code epoch}: one partition per (round, worker). Lazy; cached on first use. */
    static <T, P extends java.io.Serializable> EpochData<P> layOut(JavaRDD<T> data, Stats stats,
                                   ObjectFitter<T, P> fitter, int workers,
                                   int objectsPerWorker, long rngSeed, int epoch, StorageLevel storage) {
        RoundSchedule schedule = new RoundSchedule(stats.objects(), workers, objectsPerWorker);
        EpochPermutation perm = new EpochPermutation(stats.objects(), Seeds.epochSeed(rngSeed, epoch));
        long[] offsets = stats.offsets();
        JavaPairRDD<Integer, Placed<P>> laid = data.mapPartitionsWithIndex(
                (Integer idx, Iterator<T> it) -> {
                    List<Tuple2<Integer, Placed<P>>> out = new ArrayList<>();
                    long i = offsets[idx];
                    while (it.hasNext()) {
                        long pos = perm.apply(i++);
                        P obj = fitter.pack(it.next());
                        out.add(new Tuple2<>(schedule.partition(pos), new Placed<>(pos, fitter.hash(obj), obj)));
                    }
                    return out.iterator();
                }, true)
                .mapToPair(t -> t)
                .partitionBy(new IndexPartitioner(schedule.splitCount() * workers))
                .persist(storage);
        return new EpochData<>(laid, schedule, stats.fingerprint());
    }

    RoundSchedule schedule() {
        return schedule;
    }

    /** Count and content hash of the whole input, in input order. */
    String fingerprint() {
        return fingerprint;
    }

    /** The partitions of one split (round within the epoch), one per worker, in worker order. */
    JavaRDD<Tuple2<Integer, Placed<P>>> split(int split) {
        int workers = schedule.workers();
        PartitionPruningRDD<Tuple2<Integer, Placed<P>>> pruned = PartitionPruningRDD.create(laidOut.rdd(),
                new SplitFilter(split, workers));
        return new JavaRDD<>(pruned, ClassTag$.MODULE$.apply(Tuple2.class));
    }

    @Override
    public void close() {
        laidOut.unpersist(false);
    }

    private static final class SplitFilter extends AbstractFunction1<Object, Object> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int split;
        private final int workers;

        SplitFilter(int split, int workers) {
            this.split = split;
            this.workers = workers;
        }

        @Override
        public Object apply(Object partition) {
            return ((Integer) partition) / workers == split;
        }
    }

    /** Key k goes to partition k. */
    static final class IndexPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int partitions;

        IndexPartitioner(int partitions) {
            this.partitions = partitions;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return (Integer) key;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof IndexPartitioner p && p.partitions == partitions;
        }

        @Override
        public int hashCode() {
            return partitions;
        }
    }
}
