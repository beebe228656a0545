package io.txtrain.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.fs.UnreachableStoreException;
import io.txtrain.core.inspect.RunInspection;

/**
 * The DIR argument: a local path or a Hadoop URI that names an existing txtrain checkpoint
 * directory. A missing directory, a file, or a directory with none of txtrain's entries is a usage
 * error with a message that says which.
 */
final class RunDirectory {
    private static final Pattern URI_SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://|file:).*");
    private static final Set<String> TXTRAIN_ENTRIES = Set.of(DirLayout.FORMAT, DirLayout.LEASE_DIR,
            DirLayout.LOG_DIR, DirLayout.CHECKPOINT_DIR);

    private final DurableFs fs;
    private final DirLayout layout;
    private final boolean empty;

    private RunDirectory(DurableFs fs, DirLayout layout, boolean empty) {
        this.fs = fs;
        this.layout = layout;
        this.empty = empty;
    }

    static RunDirectory open(String arg, Configuration conf) throws UsageException, IOException {
        URI uri = URI_SCHEME.matcher(arg).matches() ? URI.create(arg)
                : Paths.get(arg).toAbsolutePath().normalize().toUri();
        String u = uri.toString();
        if (u.endsWith("/") && uri.getPath() != null && uri.getPath().length() > 1) {
            uri = URI.create(u.substring(0, u.length() - 1));
        }
        try {
            return open(arg, uri, conf);
        } catch (IOException | IllegalArgumentException e) {
            UnreachableStoreException unreachable = UnreachableStoreException.describe(uri, e);
            if (unreachable != null) {
                throw unreachable;
            }
            throw e;
        }
    }

    private static RunDirectory open(String arg, URI uri, Configuration conf) throws UsageException, IOException {
        DurableFs fs = DurableFs.forUri(uri, conf);
        Path root = fs.qualify(new Path(uri));
        if (!fs.exists(root)) {
            throw new UsageException("no such directory: " + arg);
        }
        if (!fs.status(root).isDirectory()) {
            throw new UsageException(arg + " is a file, not a checkpoint directory");
        }
        List<String> entries = new ArrayList<>();
        boolean txtrain = false;
        for (FileStatus s : fs.list(root)) {
            entries.add(s.getPath().getName());
            txtrain |= TXTRAIN_ENTRIES.contains(s.getPath().getName());
        }
        if (!entries.isEmpty() && !txtrain) {
            throw new UsageException(arg + " is not a txtrain checkpoint directory: it holds "
                    + (entries.size() <= 5 ? entries : entries.subList(0, 5) + " and " + (entries.size() - 5)
                    + " more") + " but no " + DirLayout.FORMAT + ", log/ or checkpoints/");
        }
        return new RunDirectory(fs, new DirLayout(root), entries.isEmpty());
    }

    DurableFs fs() {
        return fs;
    }

    DirLayout layout() {
        return layout;
    }

    Path root() {
        return layout.root();
    }

    /** True for an existing directory without any entry: no run has started in it. */
    boolean empty() {
        return empty;
    }

    RunInspection inspect() throws IOException {
        return RunInspection.read(fs, layout);
    }
}
