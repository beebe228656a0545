package io.txtrain.testing;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Follows a child process's stdout redirected to a file, line by line, until the process has ended
 * and every byte it wrote was read. Unlike reading the process pipe, nothing is lost when the
 * child is killed (the JDK may close the pipe under a concurrent reader when the process exits).
 */
public final class StdoutFile {
    private StdoutFile() {
    }

    /** Starts a daemon thread that passes each complete line to {@code sink}, then {@code null} at the end. */
    public static Thread follow(Process process, File file, Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (RandomAccessFile in = new RandomAccessFile(file, "r")) {
                StringBuilder partial = new StringBuilder();
                byte[] buf = new byte[8192];
                while (true) {
                    boolean ended = !process.isAlive();
                    int n;
                    boolean any = false;
                    while ((n = in.read(buf)) > 0) {
                        any = true;
                        partial.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                        int nl;
                        while ((nl = partial.indexOf("\n")) >= 0) {
                            sink.accept(partial.substring(0, nl));
                            partial.delete(0, nl + 1);
                        }
                    }
                    if (ended && !any) {
                        break; // the process was gone before this last read: all its output is in
                    }
                    if (!any) {
                        Thread.sleep(5);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                sink.accept(null);
            }
        }, "stdout-" + process.pid());
        t.setDaemon(true);
        t.start();
        return t;
    }
}
