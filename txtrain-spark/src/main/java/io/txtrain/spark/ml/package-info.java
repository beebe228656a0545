/**
 * Spark ML Pipeline API for txtrain: {@link io.txtrain.spark.ml.TxtrainClassifier}, an
 * {@code Estimator} that trains a DL4J network on a DataFrame with transactional, resumable
 * parameter averaging, and {@link io.txtrain.spark.ml.TxtrainClassificationModel}, the fitted
 * {@code Transformer}. Both are ML-persistable ({@code save}/{@code load}) and work in a
 * {@code Pipeline}, with {@code CrossValidator} and {@code TrainValidationSplit}.
 */
package io.txtrain.spark.ml;
