package io.txtrain.core.policy;

/**
 * One executor's health over the recent window, as the monitoring saw it. NaN means unknown;
 * unknown values never raise the hazard.
 *
 * @param executorId the executor
 * @param heapFraction live heap as a share of the heap limit, in [0, 1] (the lowest recent reading,
 *     so garbage that the next collection frees does not count)
 * @param gcFraction share of recent wall time the JVM spent collecting garbage, in [0, 1]
 * @param taskFailures task attempts that failed on the executor within the window, &gt;= 0
 * @param gpuErrors uncorrected GPU errors newly reported within the window, &gt;= 0
 */
public record HealthReading(String executorId, double heapFraction, double gcFraction, long taskFailures,
        long gpuErrors) {

    /** @throws IllegalArgumentException on a fraction outside [0, 1] (NaN allowed) or a negative count */
    public HealthReading {
        if (executorId == null || executorId.isBlank()) {
            throw new IllegalArgumentException("executorId must be given");
        }
        requireFraction("heapFraction", heapFraction);
        requireFraction("gcFraction", gcFraction);
        if (taskFailures < 0 || gpuErrors < 0) {
            throw new IllegalArgumentException("counts must be >= 0: taskFailures=" + taskFailures
                    + " gpuErrors=" + gpuErrors);
        }
    }

    private static void requireFraction(String what, double v) {
        if (!Double.isNaN(v) && !(v >= 0 && v <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1] or NaN, got " + v);
        }
    }
}
