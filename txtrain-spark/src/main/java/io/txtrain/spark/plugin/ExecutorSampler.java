package io.txtrain.spark.plugin;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Takes one {@link ExecutorSample} of this JVM: CPU loads from
 * {@code com.sun.management.OperatingSystemMXBean}, heap and cumulative GC time from the platform
 * MXBeans, the running task count from the executor plugin, GPUs from a {@link GpuProbe}.
 *
 * <p>Failure behaviour: values the JVM cannot provide are NaN (loads) or -1 (heap max); a GC bean
 * that reports -1 is left out of the sum. {@link #sample()} does not throw. Not thread-safe (the
 * GPU probe keeps state): one sampling thread uses it.
 */
public final class ExecutorSampler {
    private final String executorId;
    private final String host;
    private final IntSupplier runningTasks;
    private final GpuProbe gpu;
    private final com.sun.management.OperatingSystemMXBean os;
    private final List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();

    public ExecutorSampler(String executorId, String host, IntSupplier runningTasks, GpuProbe gpu) {
        this.executorId = executorId;
        this.host = host;
        this.runningTasks = runningTasks;
        this.gpu = gpu;
        OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
        this.os = bean instanceof com.sun.management.OperatingSystemMXBean s ? s : null;
    }

    public ExecutorSample sample() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long gc = 0;
        for (GarbageCollectorMXBean b : gcs) {
            long t = b.getCollectionTime();
            if (t > 0) {
                gc += t;
            }
        }
        double process = os == null ? Double.NaN : load(os.getProcessCpuLoad());
        double system = os == null ? Double.NaN : load(os.getCpuLoad());
        return new ExecutorSample(executorId, host, System.currentTimeMillis(), process, system, heap.getUsed(),
                heap.getMax(), gc, Math.max(0, runningTasks.getAsInt()), gpu.read());
    }

    /** The MXBean's load, or NaN where it reports "not available" (negative) or nonsense. */
    static double load(double v) {
        return v >= 0 && v <= 1 ? v : Double.NaN;
    }
}
