package io.txtrain.cli;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.checkpoint.VerifiedCheckpoint;
import io.txtrain.core.inspect.CheckpointStatus;
import io.txtrain.core.inspect.RunInspection;
import io.txtrain.core.log.LogChainReader;
import io.txtrain.core.recovery.RecoveryPlanner;
import io.txtrain.spark.dl4j.CheckpointModel;

/** {@code txtrain export DIR [--round N] --out model.zip}: a committed state as a DL4J model zip. */
final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String summary() {
        return "write a committed state as a DL4J ModelSerializer zip";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: txtrain export DIR [--round N] --out FILE.zip",
                "",
                "Writes the committed state of a run as a standard DL4J model zip (configuration, parameters",
                "and updater state) that ModelSerializer.restoreMultiLayerNetwork or restoreComputationGraph",
                "loads, and prints the parameters' SHA-256 as the trainer does (model sha256=...).",
                "",
                "  --out FILE      the zip to write (replaced if it exists)",
                "  --round N       export the checkpoint of committed round N instead of the newest trusted one.",
                "                  A committed round without a checkpoint cannot be exported: rebuilding it",
                "                  means replaying rounds, which only the trainer does (resume the training).",
                "",
                "DIR is a local path or a URI (hdfs://namenode/path, file:///path).",
                "Exit codes: 0 written, 1 nothing to export (the message says why), 2 usage error.");
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--out", "--round");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        String dirArg = args.directory();
        Path target = Paths.get(args.required("--out")).toAbsolutePath();
        Long round = args.number("--round", 0);
        if (Files.isDirectory(target)) {
            throw new UsageException("--out " + target + " is a directory; name the zip file to write");
        }
        RunDirectory dir = RunDirectory.open(dirArg, new Configuration());
        if (dir.empty()) {
            err.println("txtrain export: " + dir.root() + " is empty: no round is committed yet");
            return PROBLEM;
        }
        RunInspection in = dir.inspect();
        if (in.plan() == null) {
            err.println("txtrain export: the directory cannot be recovered: " + in.planError());
            return PROBLEM;
        }
        CheckpointStatus chosen = round == null ? newest(in, err) : atRound(in, round, err);
        if (chosen == null) {
            return PROBLEM;
        }
        VerifiedCheckpoint cp = chosen.resumePoint() ? in.plan().start()
                : new RecoveryPlanner(new LogChainReader(dir.fs(), dir.layout()),
                        new CheckpointStore(dir.fs(), dir.layout())).trusted(chosen.ref(), in.plan().chain());
        CheckpointModel model = CheckpointModel.restore(in.attribute(CheckpointModel.KIND_ATTRIBUTE), cp.blobs());
        Path parent = target.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
        try {
            model.writeModelZip(tmp.toFile());
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        out.println("exported round " + cp.round() + " (training epoch " + (model.trainingEpoch() + 1) + ", iteration "
                + model.iteration() + ") from " + cp.ref().path().getName() + " as a "
                + (model.isGraph() ? "ComputationGraph" : "MultiLayerNetwork") + " to " + target + " ("
                + Text.bytes(new File(target.toString()).length()) + ")");
        out.println("model sha256=" + model.parametersSha256());
        return OK;
    }

    /** The checkpoint recovery would start from. */
    private static CheckpointStatus newest(RunInspection in, PrintStream err) {
        CheckpointStatus start = in.checkpoints().stream().filter(CheckpointStatus::resumePoint).findFirst()
                .orElse(null);
        if (start == null) {
            err.println("txtrain export: there is no trusted checkpoint"
                    + (in.checkpoints().isEmpty() ? "" : " (" + rejected(in) + ")")
                    + "; the committed rounds exist only in the log. Resume the training to rebuild them.");
            return null;
        }
        long last = in.plan().lastCommittedRound();
        if (start.ref().round() < last) {
            err.println("note: rounds " + (start.ref().round() + 1) + "-" + last + " are committed in the log but"
                    + " not checkpointed; exporting round " + start.ref().round() + ", the newest checkpoint."
                    + " Resuming the training replays them.");
        }
        return start;
    }

    private static CheckpointStatus atRound(RunInspection in, long round, PrintStream err) {
        List<CheckpointStatus> at = in.checkpoints().stream().filter(c -> c.ref().round() == round).toList();
        for (CheckpointStatus c : at) {
            if (c.trusted()) {
                return c;
            }
        }
        if (!at.isEmpty()) {
            err.println("txtrain export: the checkpoint of round " + round + " is not trusted: " + at.get(0).problem());
            return null;
        }
        long last = in.plan().lastCommittedRound();
        String available = in.checkpoints().stream().filter(CheckpointStatus::trusted)
                .map(c -> Long.toString(c.ref().round())).distinct().collect(Collectors.joining(", "));
        String where = available.isEmpty() ? "there is no trusted checkpoint" : "checkpoints exist for round(s) "
                + available;
        if (round > last) {
            err.println("txtrain export: round " + round + " is not committed; the last committed round is " + last
                    + " (" + where + ")");
        } else {
            err.println("txtrain export: round " + round + " is committed but has no checkpoint (" + where + ")."
                    + " Rebuilding it means replaying rounds from an earlier checkpoint, which only the trainer does;"
                    + " export one of the checkpointed rounds instead.");
        }
        return null;
    }

    private static String rejected(RunInspection in) {
        return in.checkpoints().stream().map(c -> c.ref().path().getName() + ": " + c.problem())
                .collect(Collectors.joining("; "));
    }
}
