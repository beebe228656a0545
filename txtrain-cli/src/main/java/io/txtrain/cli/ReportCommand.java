package io.txtrain.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;

import io.txtrain.core.inspect.RunInspection;

/** {@code txtrain report DIR --out report.html}: loss, checkpoints, failures and recoveries over time. */
final class ReportCommand implements Command {
    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "write a self-contained HTML report: loss, checkpoints, crashes and recoveries over time";
    }

    @Override
    public String usage() {
        return String.join("\n",
                "usage: txtrain report DIR --out FILE.html",
                "",
                "Writes one self-contained HTML file (inline SVG, no scripts, no network) that shows, on one",
                "time axis: the loss of every committed round (ROUND_COMMIT records), the published",
                "checkpoints (their manifests), driver starts, crashes with the downtime and the replay after",
                "them (RECOVERY records), and the interval between checkpoints over time. Rounds and starts",
                "from log segments that retention deleted come from the run's compact history (history/),",
                "downsampled in long runs; deleted checkpoints are no longer shown.",
                "",
                "  --out FILE      the HTML file to write (replaced if it exists)",
                "",
                "DIR is a local path or a URI (hdfs://namenode/path, file:///path).",
                "Exit codes: 0 written, 1 the log cannot be read or holds no round, 2 usage error.");
    }

    @Override
    public Set<String> valueOptions() {
        return Set.of("--out");
    }

    @Override
    public int run(CliArgs args, PrintStream out, PrintStream err) throws Exception {
        String dirArg = args.directory();
        Path target = Paths.get(args.required("--out")).toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw new UsageException("--out " + target + " is a directory; name the HTML file to write");
        }
        RunDirectory dir = RunDirectory.open(dirArg, new Configuration());
        if (dir.empty()) {
            err.println("txtrain report: " + dir.root() + " is empty: no round is committed yet");
            return PROBLEM;
        }
        RunInspection in = dir.inspect();
        if (in.chain() == null) {
            err.println("txtrain report: the log cannot be read: " + in.chainError());
            return PROBLEM;
        }
        RunTimeline timeline = RunTimeline.of(in,
                io.txtrain.core.log.RunHistory.read(dir.fs(), dir.layout()));
        if (timeline.rounds().isEmpty()) {
            err.println("txtrain report: the log holds no committed round yet");
            return PROBLEM;
        }
        String html = HtmlReport.render(in, timeline, ZoneId.systemDefault());
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, html, StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        out.println("wrote " + target + " (" + Text.bytes(html.length()) + "): "
                + Text.plural(timeline.rounds().size(), "round", "rounds") + ", "
                + Text.plural(timeline.checkpoints().size(), "checkpoint", "checkpoints") + ", "
                + Text.plural(timeline.starts().size(), "driver start", "driver starts")
                + (timeline.crashes() > 0 ? " (" + Text.plural(timeline.crashes(), "crash", "crashes") + ")" : ""));
        return OK;
    }
}
