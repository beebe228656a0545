package io.txtrain.cli;

import java.io.PrintStream;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.inspect.DirectoryVerifier;
import io.txtrain.core.inspect.Finding;
import io.txtrain.spark.dl4j.CheckpointModel;

/** {@code txtrain verify DIR}: every CRC and manifest; exit code 0 only if all is sound. */
final class VerifyCommand implements Command {
    @Override
    public String name() {
        return "verify";
    }

    @Override
    public String summary() {
        return "check every CRC and manifest; exit code 0 only if all is sound";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: txtrain verify DIR",
                "",
                "Reads every file of a txtrain checkpoint directory and checks it against docs/PROTOCOL.md:",
                "every frame of every log segment to its end (segments off the chain and bytes past trusted",
                "lengths included), every published checkpoint's MANIFEST and each blob's length and CRC32C,",
                "the state checksum against the committed round in the log and against the params and updater",
                "blobs, FORMAT, and the lease files; then whether recovery would succeed. Each problem is",
                "printed with its file and byte offset. Crash artifacts that recovery handles by design (a",
                "torn tail, an unfinished checkpoint, an orphan segment) are printed as notes.",
                "",
                "DIR is a local path or a URI (hdfs://namenode/path, file:///path).",
                "Exit codes: 0 sound, 1 problems found, 2 usage error.");
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of();
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        RunDirectory dir = RunDirectory.open(args.directory(), new Configuration());
        out.println("verifying " + dir.root());
        if (dir.empty()) {
            out.println("empty: no run has started here; nothing to verify");
            return OK;
        }
        DirectoryVerifier.Result r = DirectoryVerifier.verify(dir.fs(), dir.layout(),
                CheckpointModel::checkStateChecksum);
        for (Finding f : r.findings()) {
            out.println((f.isProblem() ? "PROBLEM " : "note    ") + f);
        }
        out.println("checked " + Text.plural(r.files(), "file", "files") + ", " + Text.plural(r.frames(), "record",
                "records") + ", " + Text.bytes(r.bytes()));
        if (r.sound()) {
            out.println("sound: every CRC, manifest and checksum verifies");
            return OK;
        }
        out.println("NOT SOUND: " + Text.plural(r.problems(), "problem", "problems"));
        return PROBLEM;
    }
}
