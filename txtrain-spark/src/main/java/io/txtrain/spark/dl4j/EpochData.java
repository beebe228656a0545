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
    private final PackedInput<P> input;

    private EpochData(JavaPairRDD<Integer, Placed<P>> laidOut, RoundSchedule schedule, PackedInput<P> input) {
        this.laidOut = laidOut;
        this.schedule = schedule;
        this.input = input;
    }

    /** Object count, per-partition offsets and content hash of an input RDD, in input order. */
    record Stats(long objects, long[] offsets, String fingerprint) {
    }

    /**
     * The input of one fit call, packed and hashed once and cached ({@code storage}), with its
     * {@link Stats}. The layout of the epoch reads it instead of the input, and it is released
     * once the layout no longer needs it, or on {@link #close()}.
     */
    static final class PackedInput<P extends java.io.Serializable> implements AutoCloseable {
        private final JavaRDD<Placed<P>> packed;
        private final Stats stats;

        private PackedInput(JavaRDD<Placed<P>> packed, Stats stats) {
            this.packed = packed;
            this.stats = stats;
        }

        Stats stats() {
            return stats;
        }

        @Override
        public void close() {
            packed.unpersist(false);
        }
    }

    /**
     * Packs, hashes, counts and fingerprints the data: one Spark job. The fingerprint is a
     * polynomial hash of the objects' hashes in input order, so it does not depend on how the input
     * is partitioned.
     */
    static <T, P extends java.io.Serializable> PackedInput<P> pack(JavaRDD<T> data, ObjectFitter<T, P> fitter,
                                                                   StorageLevel storage) {
        JavaRDD<Placed<P>> packed = data.map(t -> {
            P obj = fitter.pack(t);
            return new Placed<>(-1, fitter.hash(obj), obj); // position: set by the layout
        }).persist(storage);
        List<long[]> stats = packed.mapPartitionsWithIndex((idx, it) -> {
            long n = 0;
            long h = 0;
            while (it.hasNext()) {
                h = h * FINGERPRINT_BASE + Seeds.mix(it.next().hash);
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
        return new PackedInput<>(packed, new Stats(total, offsets, String.format("%d:%016x", total, fp)));
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

    /** Rounds whose objects share a cached partition per worker. */
    static final int ROUNDS_PER_BLOCK = 8;

    /**
     * Lays the data out for {@code epoch}: objects go to their (round, worker) by their position in
     * the epoch's permutation, and one cached partition per worker holds {@value #ROUNDS_PER_BLOCK}
     * consecutive rounds. Lazy: a block is read from the layout's shuffle by the first round that
     * needs it and then served from the executor's memory ({@code storage}), so a round reads no
     * shuffle data of its own. Cached blocks are released on {@link #close()}.
     */
    static <P extends java.io.Serializable> EpochData<P> layOut(PackedInput<P> input, int workers,
                                   int objectsPerWorker, long rngSeed, int epoch, StorageLevel storage) {
        Stats stats = input.stats();
        RoundSchedule schedule = new RoundSchedule(stats.objects(), workers, objectsPerWorker);
        EpochPermutation perm = new EpochPermutation(stats.objects(), Seeds.epochSeed(rngSeed, epoch));
        long[] offsets = stats.offsets();
        JavaPairRDD<Integer, Placed<P>> laid = input.packed.mapPartitionsWithIndex(
                (Integer idx, Iterator<Placed<P>> it) -> {
                    List<Tuple2<Integer, Placed<P>>> out = new ArrayList<>();
                    long i = offsets[idx];
                    while (it.hasNext()) {
                        Placed<P> p = it.next();
                        long pos = perm.apply(i++);
                        out.add(new Tuple2<>(schedule.partition(pos), new Placed<>(pos, p.hash, p.object)));
                    }
                    return out.iterator();
                }, true)
                .mapToPair(t -> t)
                .partitionBy(new BlockPartitioner(workers, schedule.splitCount()))
                .persist(storage);
        return new EpochData<>(laid, schedule, input);
    }

    /**
     * Releases the packed input once a round of this epoch has run: the layout's shuffle then holds
     * all of it (Spark recomputes lost shuffle output from the input, deterministically).
     */
    void releaseInput() {
        input.close();
    }

    RoundSchedule schedule() {
        return schedule;
    }

    /** The objects of one split (round within the epoch): one partition per worker, in worker order. */
    JavaRDD<Tuple2<Integer, Placed<P>>> split(int split) {
        int workers = schedule.workers();
        return new JavaRDD<>(block(split).rdd().filter(new RoundKeys<>(split * workers, split * workers + workers - 1)),
                ClassTag$.MODULE$.apply(Tuple2.class));
    }

    /**
     * The objects of the rounds of {@code split}'s block: one partition per worker, in worker
     * order, each keyed {@code split * workers + worker} for its rounds.
     */
    JavaRDD<Tuple2<Integer, Placed<P>>> block(int split) {
        return new JavaRDD<>(PartitionPruningRDD.create(laidOut.rdd(),
                new BlockFilter(split / ROUNDS_PER_BLOCK, schedule.workers())), ClassTag$.MODULE$.apply(Tuple2.class));
    }

    /** The splits of {@code split}'s block from {@code split} on: at least 1. */
    int blockRoundsFrom(int split) {
        int end = Math.min(schedule.splitCount(), (split / ROUNDS_PER_BLOCK + 1) * ROUNDS_PER_BLOCK);
        return end - split;
    }

    @Override
    public void close() {
        laidOut.unpersist(false);
        input.close();
    }

    /** Keeps the objects keyed {@code first..last}: one round's, of a block of rounds. */
    private static final class RoundKeys<P> extends AbstractFunction1<Tuple2<Integer, Placed<P>>, Object>
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int first;
        private final int last;

        RoundKeys(int first, int last) {
            this.first = first;
            this.last = last;
        }

        @Override
        public Object apply(Tuple2<Integer, Placed<P>> t) {
            return t._1() >= first && t._1() <= last;
        }
    }

    /** Keeps the partitions of one block of rounds. */
    private static final class BlockFilter extends AbstractFunction1<Object, Object> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int block;
        private final int workers;

        BlockFilter(int block, int workers) {
            this.block = block;
            this.workers = workers;
        }

        @Override
        public Object apply(Object partition) {
            return ((Integer) partition) / workers == block;
        }
    }

    /**
     * Key {@code round * workers + worker} goes to partition {@code block * workers + worker}, where
     * {@code block = round / ROUNDS_PER_BLOCK}.
     */
    static final class BlockPartitioner extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final int workers;
        private final int partitions;

        BlockPartitioner(int workers, int rounds) {
            this.workers = workers;
            this.partitions = (rounds + ROUNDS_PER_BLOCK - 1) / ROUNDS_PER_BLOCK * workers;
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            int k = (Integer) key;
            return k / workers / ROUNDS_PER_BLOCK * workers + k % workers;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof BlockPartitioner p && p.partitions == partitions && p.workers == workers;
        }

        @Override
        public int hashCode() {
            return partitions * 31 + workers;
        }
    }
}
