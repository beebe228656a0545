package io.txtrain.spark.plugin;

import java.io.Serializable;

/**
 * One GPU as {@code nvidia-smi} reported it.
 *
 * @param index position in nvidia-smi's output (its GPU index order)
 * @param utilizationPercent GPU utilisation over nvidia-smi's last sample period, 0..100
 * @param memoryUsedMiB device memory in use, MiB
 * @param memoryTotalMiB device memory installed, MiB
 * @param uncorrectedErrors uncorrected ECC errors since the driver loaded
 *     ({@code ecc.errors.uncorrected.volatile.total}), or -1 where the GPU or tool does not report them
 */
public record GpuReading(int index, double utilizationPercent, double memoryUsedMiB, double memoryTotalMiB,
        long uncorrectedErrors) implements Serializable {
    private static final long serialVersionUID = 2L;

    /** A reading without an error count. */
    public GpuReading(int index, double utilizationPercent, double memoryUsedMiB, double memoryTotalMiB) {
        this(index, utilizationPercent, memoryUsedMiB, memoryTotalMiB, -1);
    }
}
