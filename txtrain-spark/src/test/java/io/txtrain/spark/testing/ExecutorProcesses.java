package io.txtrain.spark.testing;

import java.util.List;

/** The executor JVMs of a local-cluster Spark context: real child processes that tests can kill. */
public final class ExecutorProcesses {
    private ExecutorProcesses() {
    }

    public static List<ProcessHandle> list() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains("CoarseGrainedExecutorBackend")).orElse(false))
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    /** SIGKILLs one executor JVM; returns its pid. */
    public static long killOne() {
        List<ProcessHandle> all = list();
        if (all.isEmpty()) {
            throw new IllegalStateException("no executor process found");
        }
        ProcessHandle victim = all.get(0);
        victim.destroyForcibly();
        return victim.pid();
    }
}
