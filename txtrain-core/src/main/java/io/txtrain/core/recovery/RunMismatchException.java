package io.txtrain.core.recovery;

import java.io.IOException;
import java.util.List;

/** The directory holds a different run than the one being resumed; names what differs. */
public class RunMismatchException extends IOException {
    private final List<String> differences;

    public RunMismatchException(String dir, List<String> differences) {
        super("checkpoint directory " + dir + " belongs to a different training run: " + String.join("; ", differences)
                + ". Resume with the original settings, or start fresh in a new checkpoint directory.");
        this.differences = List.copyOf(differences);
    }

    public List<String> differences() {
        return differences;
    }
}
