package io.txtrain.training;

/**
 * How an epoch's data objects are cut into rounds and workers. Objects are taken in the epoch's
 * permuted order; each round gives every worker {@code objectsPerWorker} consecutive objects.
 * A pure function of its inputs, so every run and every restart cuts the data identically.
 */
public record RoundSchedule(long objects, int workers, int objectsPerWorker) implements java.io.Serializable {
    public RoundSchedule {
        if (objects < 1) {
            throw new IllegalArgumentException("no training data: the RDD is empty");
        }
        if (workers < 1 || objectsPerWorker < 1) {
            throw new IllegalArgumentException("workers and objectsPerWorker must be >= 1");
        }
    }

    public long objectsPerRound() {
        return (long) workers * objectsPerWorker;
    }

    public int splitCount() {
        return (int) ((objects + objectsPerRound() - 1) / objectsPerRound());
    }

    /** Split (round within the epoch) of a permuted position. */
    public int split(long position) {
        return (int) (position / objectsPerRound());
    }

    /** Worker (partition within the round) of a permuted position. */
    public int worker(long position) {
        return (int) ((position % objectsPerRound()) / objectsPerWorker);
    }

    /** Global partition index of a position when all rounds' partitions are laid side by side. */
    public int partition(long position) {
        return split(position) * workers + worker(position);
    }
}
