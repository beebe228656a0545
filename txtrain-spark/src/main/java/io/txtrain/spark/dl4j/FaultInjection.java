package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;

/**
 * Test hook (spark.txtrain.test.failTasks = "round:partition:taskAttempt[@roundAttempt],..."):
 * the matching task attempt throws, exercising Spark's task retry and txtrain's round abort. The
 * round attempt defaults to 1. Off unless configured.
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
                String[] at = part.trim().split("@");
                String[] f = at[0].split(":");
                try {
                    if (f.length != 3 || at.length > 2) {
                        throw new NumberFormatException();
                    }
                    int roundAttempt = at.length == 2 ? Integer.parseInt(at[1]) : 1;
                    s.add(Long.parseLong(f[0]) + ":" + Integer.parseInt(f[1]) + ":" + Integer.parseInt(f[2]) + "@"
                            + roundAttempt);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(KEY + " = '" + spec
                            + "': expected round:partition:taskAttempt[@roundAttempt][,...]");
                }
            }
        }
        return new FaultInjection(s);
    }

    void maybeFail(long round, int partition, int taskAttempt, int roundAttempt) {
        if (failures.contains(round + ":" + partition + ":" + taskAttempt + "@" + roundAttempt)) {
            throw new InjectedFailure("injected failure: round " + round + ", partition " + partition
                    + ", task attempt " + taskAttempt + ", round attempt " + roundAttempt);
        }
    }

    static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String msg) {
            super(msg);
        }
    }
}
