package io.txtrain.training;

/** Deterministic seeds: pure functions of (rngSeed, epoch, round, partition). */
public final class Seeds {
    private Seeds() {
    }

    /** SplitMix64 finaliser: a bijective 64-bit mix. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public static long epochSeed(long rngSeed, int epoch) {
        return mix(mix(rngSeed) + 0x9e3779b97f4a7c15L * (epoch + 1));
    }

    public static long workerSeed(long rngSeed, int epoch, long round, int partition) {
        return mix(epochSeed(rngSeed, epoch) ^ mix(round * 0x632be59bd9b4e019L + partition));
    }
}
