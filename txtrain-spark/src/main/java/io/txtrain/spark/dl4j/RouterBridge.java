package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.listener.RoutingIterationListener;
import org.deeplearning4j.optimize.api.TrainingListener;

/**
 * Connects DL4J listeners that report to a {@link StatsStorageRouter} (such as the UI's
 * {@code StatsListener}) to the router given with {@code setListeners(router, listeners)}. txtrain
 * calls listeners on the driver after each committed round, with the network holding the committed
 * state and the round's average score, so the router gets one report per committed round.
 */
final class RouterBridge {
    private RouterBridge() {
    }

    /** The listeners, with {@code router} set on each routing listener that has none. */
    static List<TrainingListener> attach(StatsStorageRouter router, Collection<? extends TrainingListener> listeners) {
        List<TrainingListener> out = new ArrayList<>();
        if (listeners == null) {
            return out;
        }
        for (TrainingListener l : listeners) {
            if (router != null && l instanceof RoutingIterationListener r && r.getStorageRouter() == null) {
                r.setStorageRouter(router);
            }
            out.add(l);
        }
        return out;
    }
}
