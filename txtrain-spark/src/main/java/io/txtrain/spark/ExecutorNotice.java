package io.txtrain.spark;

import java.io.Serializable;

/**
 * An executor's announcement that it is going away: Spark started decommissioning it, or its JVM
 * began a graceful shutdown. Sent by the executor side of the txtrain plugin to the driver.
 *
 * @param executorId the executor that is going away
 * @param timeMillis executor wall clock when it noticed
 * @param what what it noticed, e.g. {@code decommissioning (SIGPWR)} or {@code JVM shutdown}
 */
public record ExecutorNotice(String executorId, long timeMillis, String what) implements Serializable {
    private static final long serialVersionUID = 1L;
}
