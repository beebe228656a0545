package io.txtrain.spark.dl4j;

import java.util.List;

import org.deeplearning4j.nn.api.Model;

/**
 * Driver-side callbacks of a training run, for DL4J compatibility (statistics, the Spark wrapper's
 * score, the DL4J UI). Called on the training thread; an exception thrown here fails the fit after
 * the round is already committed.
 */
interface RoundObserver {
    RoundObserver NONE = new RoundObserver() {
    };

    /** After a round's result became the network's state (committed, or replayed and verified). */
    default void roundDone(Round round, Model model) {
    }

    /** The epoch's data was laid out into rounds. */
    default void laidOut(long startMillis, long durationMs) {
    }

    /** A checkpoint snapshot stalled training. */
    default void checkpointStall(long startMillis, long durationMs) {
    }

    /**
     * One round as the driver saw it. {@code iteration}/{@code counterEpoch} are the network's DL4J
     * counters after the round; times in ms, starts in epoch ms.
     */
    record Round(long round, int epoch, int split, int splitCount, int iteration, int counterEpoch, double score,
                 long examples, boolean replayed, long stageStartMillis, long stageMillis, long aggregateMillis,
                 long commitMillis, long applyMillis, List<RoundResult> workers) {
    }
}
