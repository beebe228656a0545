package io.txtrain.spark.dl4j;

/**
 * Training stopped at the caller's request between two rounds ({@code requestStop}), or because its
 * Spark job was cancelled (the round in flight is then aborted, not retried); everything committed
 * is kept, and running the job again resumes after {@link #lastCommittedRound()}.
 */
public class TrainingStoppedException extends RuntimeException {
    private final long lastCommittedRound;

    public TrainingStoppedException(long lastCommittedRound) {
        this(lastCommittedRound, "on request");
    }

    /** @param why why training stopped, e.g. "because its Spark job was cancelled" */
    public TrainingStoppedException(long lastCommittedRound, String why) {
        super("training stopped " + why + "; round " + lastCommittedRound + " is the last committed one; run the"
                + " same job again with the same checkpoint directory to resume");
        this.lastCommittedRound = lastCommittedRound;
    }

    public long lastCommittedRound() {
        return lastCommittedRound;
    }
}
