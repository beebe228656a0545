package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * Test hook (spark.txtrain.test.failTasks = "round:partition:attempt,..."): the matching task
 * attempt throws, exercising Spark's task retry and txtrain's round abort. Off unless configured.
 */
final class FaultInjection implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String KEY = "spark.txtrain.test.failTasks";
    private final Set<String> failures;

    private FaultInjection(Set<String> failures) {
        this.failures = failures;
    }

    static FaultInjection parse(String spec) {
        Set<String> s = new HashSet<>();
        if (spec != null && !spec.isBlank()) {
            for (String part : spec.split(",")) {
                String[] f = part.trim().split(":");
                if (f.length != 3) {
                    throw new IllegalArgumentException(KEY + " = '" + spec + "': expected round:partition:attempt[,...]");
                }
                s.add(Long.parseLong(f[0]) + ":" + Integer.parseInt(f[1]) + ":" + Integer.parseInt(f[2]));
            }
        }
        return new FaultInjection(s);
    }

    void maybeFail(long round, int partition, int attempt) {
        if (failures.contains(round + ":" + partition + ":" + attempt)) {
            throw new InjectedFailure("injected failure: round " + round + ", partition " + partition + ", attempt "
                    + attempt);
        }
    }

    static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String msg) {
            super(msg);
        }
    }
}
