/**
 * Checkpoint policies: when should the trainer take a checkpoint after a committed round.
 *
 * <p>Everything here is pure and deterministic: no Spark, Hadoop, DL4J or ND4J types, no clock
 * reads. Time is always passed in by the caller, so a decision is a function of its inputs and of
 * the costs and failures reported earlier.
 *
 * <p>Entry points: {@link io.txtrain.core.policy.CheckpointPolicies#fromConf(java.util.Map, long)}
 * builds the configured {@link io.txtrain.core.policy.CheckpointPolicy}; the trainer calls
 * {@link io.txtrain.core.policy.CheckpointPolicy#decide(PolicyInput)} after each committed round
 * and logs {@link io.txtrain.core.policy.Decision#logLine()}.
 */
package io.txtrain.core.policy;
