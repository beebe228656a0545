package io.txtrain.spark.dl4j;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Fixes the settings that decide how a worker's floating-point sums are split across threads, so
 * that a round's result depends only on the committed state, the data and the seeds, and not on the
 * executor's core count, the tasks sharing its JVM, or the launcher's {@code OMP_NUM_THREADS}.
 * Measured (RELIABILITY.md, "Numerics and the environment"): OpenBLAS's thread count changes the
 * bits of a DL4J fit (1, 2 and 4 threads give three different results); ND4J's own thread settings
 * and oneDNN helpers did not. Every round task applies {@link #pin()} before it fits, on every
 * executor; the settings are process-wide, so in local mode they also apply to the driver.
 */
final class NumericsPinning {
    /** Thread count of every pinned setting. */
    static final int THREADS = 1;
    /** Recorded in the run's identity and in each round's environment. */
    static final String DESCRIPTION = "blas.threads=" + THREADS + ",nd4j.threads=" + THREADS
            + ",nd4j.masterThreads=" + THREADS;

    private NumericsPinning() {
    }

    /** Applies the pinned settings to this JVM's ND4J and BLAS; cheap when they are already in force. */
    static void pin() {
        pin(THREADS);
    }

    /**
     * As {@link #pin()}, with {@code blasThreads} BLAS threads: only tests pass another value
     * (through {@code spark.txtrain.test.environment=blas.threads=N}), to compute in a really
     * different environment.
     */
    static void pin(int blasThreads) {
        var blas = Nd4j.factory().blas();
        if (blas.getMaxThreads() != blasThreads) {
            blas.setMaxThreads(blasThreads);
        }
        var env = Nd4j.getEnvironment();
        if (env.maxThreads() != THREADS) {
            env.setMaxThreads(THREADS);
        }
        if (env.maxMasterThreads() != THREADS) {
            env.setMaxMasterThreads(THREADS);
        }
    }
}
