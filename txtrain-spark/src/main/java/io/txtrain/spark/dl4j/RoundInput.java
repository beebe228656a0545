package io.txtrain.spark.dl4j;

import java.io.Serializable;

/** Everything a worker needs for one round besides its data; broadcast once per round. */
final class RoundInput implements Serializable {
    private static final long serialVersionUID = 1L;
    final FlatState params;
    final FlatState updater;
    final int iteration;
    final int epoch;
    /** The network's epoch counter during this round (DL4J's getEpochCount()). */
    final int counterEpoch;
    final long round;
    final long rngSeed;

    RoundInput(FlatState params, FlatState updater, int iteration, int epoch, int counterEpoch, long round,
               long rngSeed) {
        this.params = params;
        this.updater = updater;
        this.iteration = iteration;
        this.epoch = epoch;
        this.counterEpoch = counterEpoch;
        this.round = round;
        this.rngSeed = rngSeed;
    }
}
