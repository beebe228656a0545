package io.txtrain.spark.plugin;

import java.io.Serializable;
import java.util.List;

/**
 * One load sample of one executor JVM, sent from the executor plugin to the driver plugin.
 *
 * <p>Loads are fractions in [0, 1] of the host's CPUs, or NaN where the JVM cannot tell. An empty
 * {@code gpus} list means no GPU data (no nvidia-smi, no GPU, probing disabled or failed); it is
 * never a reading of zero.
 *
 * @param executorId Spark executor id ({@code driver} for the in-process executor of local mode)
 * @param host executor host name
 * @param sampledAtMillis executor wall clock when sampled
 * @param processCpuLoad recent CPU use of the executor JVM, share of all host CPUs
 * @param systemCpuLoad recent CPU use of the whole host (or container)
 * @param heapUsedBytes heap in use
 * @param heapMaxBytes heap limit, or -1 if undefined
 * @param gcTimeMillis cumulative garbage collection time since the JVM started
 * @param runningTasks tasks running in the executor when sampled
 * @param gpus one reading per GPU visible to nvidia-smi, possibly empty
 */
public record ExecutorSample(String executorId, String host, long sampledAtMillis, double processCpuLoad,
        double systemCpuLoad, long heapUsedBytes, long heapMaxBytes, long gcTimeMillis, int runningTasks,
        List<GpuReading> gpus) implements Serializable {
    private static final long serialVersionUID = 1L;

    public ExecutorSample {
        gpus = List.copyOf(gpus);
    }

    /** Whether this sample carries GPU fields. */
    public boolean hasGpu() {
        return !gpus.isEmpty();
    }

    /** Mean utilisation over the GPUs in percent, or NaN without GPU data. */
    public double meanGpuUtilizationPercent() {
        return gpus.stream().mapToDouble(GpuReading::utilizationPercent).average().orElse(Double.NaN);
    }
}
