package io.txtrain.training;

/**
 * A pseudo-random permutation of {@code [0, n)} determined by a seed: the data order of one epoch.
 * Computed pointwise (a keyed Feistel network with cycle walking), so no shuffle state is kept.
 */
public final class EpochPermutation implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private static final int ROUNDS = 4;
    private final long n;
    private final int halfBits;
    private final long halfMask;
    private final long[] keys = new long[ROUNDS];

    public EpochPermutation(long n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("permutation size must be >= 1, was " + n);
        }
        this.n = n;
        int bits = Math.max(2, 64 - Long.numberOfLeadingZeros(n - 1));
        this.halfBits = (bits + 1) / 2;
        this.halfMask = (1L << halfBits) - 1;
        long k = seed;
        for (int i = 0; i < ROUNDS; i++) {
            k = Seeds.mix(k + i + 1);
            keys[i] = k;
        }
    }

    public long size() {
        return n;
    }

    /** Position of element {@code i} in the permuted order. */
    public long apply(long i) {
        if (i < 0 || i >= n) {
            throw new IndexOutOfBoundsException(i + " not in [0, " + n + ")");
        }
        long x = i;
        do {
            x = encrypt(x);
        } while (x >= n);
        return x;
    }

    private long encrypt(long x) {
        long left = (x >>> halfBits) & halfMask;
        long right = x & halfMask;
        for (long key : keys) {
            long next = left ^ (Seeds.mix(right ^ key) & halfMask);
            left = right;
            right = next;
        }
        return (left << halfBits) | right;
    }
}
