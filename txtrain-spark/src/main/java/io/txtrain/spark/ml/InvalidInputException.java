package io.txtrain.spark.ml;

/**
 * A DataFrame or configuration that {@link TxtrainClassifier} or {@link TxtrainClassificationModel}
 * cannot use: a missing column, a column of the wrong type, a label outside the network's classes,
 * a feature vector whose size is not the network's input size. The message names the column, the
 * offending value and what is allowed.
 *
 * <p>Thrown directly by {@code fit} and {@code transformSchema}. A problem found in a row while
 * {@code transform}'s result is computed reaches the caller as Spark's job failure, with this
 * exception as its cause.
 */
public class InvalidInputException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Where a row-level problem was found, for messages: "row 12 of partition 3". */
    static String where(long rowInPartition, int partition) {
        return "row " + rowInPartition + " of partition " + partition;
    }

    /**
     * The first {@code InvalidInputException} in {@code e}'s cause chain (a Spark job failure, a
     * checked {@code SparkException}, wraps the executor's exception), rethrown with {@code e} as
     * its cause; otherwise {@code e} itself is thrown unchanged.
     */
    static RuntimeException unwrap(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof InvalidInputException) {
                return c == e ? (InvalidInputException) c : new InvalidInputException(c.getMessage(), e);
            }
        }
        if (e instanceof RuntimeException r) {
            return r;
        }
        throw InvalidInputException.<RuntimeException>sneaky(e);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E sneaky(Exception e) throws E {
        throw (E) e;
    }
}
