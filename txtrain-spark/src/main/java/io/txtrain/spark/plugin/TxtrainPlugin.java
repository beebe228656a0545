package io.txtrain.spark.plugin;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * The txtrain Spark plugin: executor load monitoring, failure tracking and training metrics for
 * the adaptive checkpoint policy. Enable with
 * {@code --conf spark.plugins=io.txtrain.spark.plugin.TxtrainPlugin}; see
 * {@link TxtrainDriverPlugin} and {@link TxtrainExecutorPlugin}.
 */
public final class TxtrainPlugin implements SparkPlugin {
    @Override
    public DriverPlugin driverPlugin() {
        return new TxtrainDriverPlugin();
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new TxtrainExecutorPlugin();
    }
}
