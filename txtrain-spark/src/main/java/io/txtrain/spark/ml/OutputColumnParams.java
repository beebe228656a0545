package io.txtrain.spark.ml;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * The column parameters a classifier and its model share: {@code featuresCol} (input),
 * {@code predictionCol} and {@code probabilityCol} (outputs; an empty probability column name
 * leaves that column out). Same names and defaults as Spark's classifiers, so
 * {@code copyValues} carries them from estimator to model.
 */
public interface OutputColumnParams extends Params {
    Param<String> featuresCol();

    Param<String> predictionCol();

    Param<String> probabilityCol();

    default String getFeaturesCol() {
        return getOrDefault(featuresCol());
    }

    default String getPredictionCol() {
        return getOrDefault(predictionCol());
    }

    default String getProbabilityCol() {
        return getOrDefault(probabilityCol());
    }
}
