package io.txtrain.core.inspect;

/**
 * One result of {@link DirectoryVerifier}: a problem (the directory is not sound) or a note (a
 * crash artifact that recovery handles, such as a torn tail).
 *
 * @param file   the file or directory concerned
 * @param offset byte offset inside {@code file}, or -1 where none applies
 */
public record Finding(Severity severity, String file, long offset, String message) {
    public enum Severity { PROBLEM, NOTE }

    public static Finding problem(String file, long offset, String message) {
        return new Finding(Severity.PROBLEM, file, offset, message);
    }

    public static Finding note(String file, long offset, String message) {
        return new Finding(Severity.NOTE, file, offset, message);
    }

    public boolean isProblem() {
        return severity == Severity.PROBLEM;
    }

    @Override
    public String toString() {
        return file + (offset >= 0 ? ": offset " + offset : "") + ": " + message;
    }
}
