package io.txtrain.cli;

/** The command line is wrong, or DIR does not name a checkpoint directory: exit code 2. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
