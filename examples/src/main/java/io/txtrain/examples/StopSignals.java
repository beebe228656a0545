package io.txtrain.examples;

import java.util.function.IntConsumer;

/**
 * Turns SIGINT and SIGTERM into a stop request instead of an immediate JVM shutdown (which would
 * also stop the SparkContext under the running round). A second signal exits at once.
 */
final class StopSignals {
    private StopSignals() {
    }

    @SuppressWarnings("restriction")
    static void install(IntConsumer onSignal) {
        for (String name : new String[] {"INT", "TERM"}) {
            sun.misc.Signal sig = new sun.misc.Signal(name);
            boolean[] seen = {false};
            sun.misc.Signal.handle(sig, s -> {
                if (seen[0]) {
                    Runtime.getRuntime().halt(128 + s.getNumber());
                }
                seen[0] = true;
                System.err.println("txtrain: " + name + " received; finishing the current round (again to quit now)");
                onSignal.accept(s.getNumber());
            });
        }
    }
}
