package io.txtrain.spark.dl4j;

/** A round failed on every attempt; nothing of it was committed and the run can be resumed. */
public class RoundFailedException extends RuntimeException {
    public RoundFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
