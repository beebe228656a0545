package io.txtrain.spark.dl4j;

/** A re-executed round did not reproduce its committed result; determinism does not hold. */
public class ReplayMismatchException extends RuntimeException {
    public ReplayMismatchException(String message) {
        super(message);
    }
}
