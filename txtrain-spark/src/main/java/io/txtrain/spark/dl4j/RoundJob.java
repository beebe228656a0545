package io.txtrain.spark.dl4j;

import org.apache.spark.broadcast.Broadcast;

/**
 * What one round's Spark job runs: the epoch's split of the data, the round's input (broadcast per
 * attempt), the network's configuration (broadcast once per run, cached on executors by its key)
 * how workers fit their objects, and where and what their results are averaged ({@code averageUpdater}:
 * whether the updater state is averaged too; {@code slices}: how many tasks average it on the executors).
 */
record RoundJob<P extends java.io.Serializable>(EpochData<P> data, int split, RoundInput input,
                                                Broadcast<String> config, String configKey, ModelAdapter.Kind kind,
                                                ObjectFitter<?, P> fitter, int objectsPerMinibatch,
                                                boolean averageUpdater, AggregationSite aggregation, int slices) {

    /** How the round is named in logs and in Spark's UI. */
    String description() {
        return "txtrain round " + input.round + ", epoch " + input.epoch + ", split " + (split + 1) + "/"
                + data.schedule().splitCount();
    }
}
