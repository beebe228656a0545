package io.txtrain.spark.dl4j;

/** Training stopped at the caller's request between two rounds; everything committed is kept. */
public class TrainingStoppedException extends RuntimeException {
    private final long lastCommittedRound;

    public TrainingStoppedException(long lastCommittedRound) {
        super("training stopped on request after round " + lastCommittedRound
                + "; run the same job again with the same checkpoint directory to resume");
        this.lastCommittedRound = lastCommittedRound;
    }

    public long lastCommittedRound() {
        return lastCommittedRound;
    }
}
