package io.txtrain.spark.dl4j;

import java.util.regex.Pattern;

import org.apache.spark.SparkException;

/**
 * Tells a cancelled Spark job (sc.cancelAllJobs(), sc.cancelJobGroup(...), a notebook's Cancel, a
 * stage killed in the UI, the SparkContext shutting down) from a failed one. Spark reports both as a
 * SparkException; a cancellation's message is Spark's "Job N cancelled ...".
 */
final class JobCancellation {
    private static final Pattern CANCELLED = Pattern.compile("Job \\d+ cancelled\\b.*", Pattern.DOTALL);

    private JobCancellation() {
    }

    /** True if {@code e} or one of its causes is Spark's report of a cancelled job. */
    static boolean isCancellation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SparkException && t.getMessage() != null && CANCELLED.matcher(t.getMessage()).matches()) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
