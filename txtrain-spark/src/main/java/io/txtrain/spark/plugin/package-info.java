/**
 * The txtrain Spark plugin ({@link io.txtrain.spark.plugin.TxtrainPlugin}): executors sample
 * their load and send it to the driver, the driver keeps rolling windows, tracks failures from
 * Spark's scheduler events and publishes training metrics; the trainer reads all of it through
 * {@link io.txtrain.spark.TrainingTelemetry}.
 */
package io.txtrain.spark.plugin;
