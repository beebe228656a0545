package io.txtrain.spark.plugin;

import java.io.Serializable;

/**
 * One GPU as {@code nvidia-smi} reported it.
 *
 * @param index position in nvidia-smi's output (its GPU index order)
 * @param utilizationPercent GPU utilisation over nvidia-smi's last sample period, 0..100
 * @param memoryUsedMiB device memory in use, MiB
 * @param memoryTotalMiB device memory installed, MiB
 */
public record GpuReading(int index, double utilizationPercent, double memoryUsedMiB, double memoryTotalMiB)
        implements Serializable {
    private static final long serialVersionUID = 1L;
}
