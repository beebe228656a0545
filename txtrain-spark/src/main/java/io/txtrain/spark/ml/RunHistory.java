package io.txtrain.spark.ml;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.inspect.CheckpointStatus;
import io.txtrain.core.inspect.RunInspection;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;

/**
 * What a fit's run directory ({@link TxtrainClassificationModel#runDirectory()}) records, as one
 * JSON document for notebooks and other languages: the committed rounds (round, epoch, score,
 * examples, commit time), the published checkpoints (round, creation time, size, trusted or why
 * not) and the driver starts (time, checkpoint resumed from, rounds replayed, next round, whether
 * the previous driver crashed). Read without the lease and without writing; it only shows what
 * the directory still holds (retention deletes old checkpoints and the log they cover).
 *
 * <p>Times are epoch milliseconds. A part that cannot be read (a damaged log, say) is left empty
 * and its message is listed under {@code errors}; {@code txtrain verify} tells more.
 */
public final class RunHistory {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunHistory() {
    }

    /**
     * The history of the run directory {@code runDirectory} (a Hadoop URI or a local path).
     *
     * @throws IllegalArgumentException if it does not exist or is not a directory
     * @throws IOException              if the file system cannot be read
     */
    public static String json(String runDirectory, Configuration conf) throws IOException {
        if (runDirectory == null || runDirectory.isBlank()) {
            throw new IllegalArgumentException("run directory is not given");
        }
        URI uri = new Path(runDirectory).toUri();
        DurableFs fs = DurableFs.forUri(uri, conf);
        Path root = fs.qualify(new Path(uri));
        if (!fs.exists(root) || !fs.status(root).isDirectory()) {
            throw new IllegalArgumentException("run directory " + root + " does not exist or is not a directory");
        }
        return toJson(RunInspection.read(fs, new DirLayout(root)));
    }

    static String toJson(RunInspection in) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("runDirectory", in.root().toString());
        List<Map<String, Object>> rounds = new ArrayList<>();
        if (in.chain() != null) {
            for (RoundRecord r : in.chain().rounds()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("round", r.round());
                m.put("epoch", r.trainingEpoch());
                m.put("score", Double.isFinite(r.score()) ? r.score() : null);
                m.put("examples", r.exampleCount());
                m.put("commitMillis", r.commitTimeMillis());
                m.put("stateSha256", r.stateChecksumHex());
                rounds.add(m);
            }
        }
        out.put("committedRound", rounds.isEmpty() ? 0 : rounds.get(rounds.size() - 1).get("round"));
        out.put("rounds", rounds);
        List<Map<String, Object>> checkpoints = new ArrayList<>();
        for (CheckpointStatus c : in.checkpoints()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("round", c.ref().round());
            m.put("writerEpoch", c.ref().writerEpoch());
            m.put("createdMillis", c.createdMillis());
            m.put("bytes", c.bytesOnDisk());
            m.put("trusted", c.trusted());
            m.put("problem", c.problem());
            checkpoints.add(m);
        }
        checkpoints.sort((a, b) -> Long.compare((Long) a.get("round"), (Long) b.get("round")));
        out.put("checkpoints", checkpoints);
        List<Map<String, Object>> starts = new ArrayList<>();
        if (in.chain() != null) {
            for (RecoveryEvent e : in.chain().recoveries()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("timeMillis", e.timeMillis());
                m.put("writerEpoch", e.writerEpoch());
                m.put("checkpointRound", e.checkpointRound());
                m.put("replayedRounds", e.replayedRounds());
                m.put("nextRound", e.nextRound());
                m.put("previousHolder", e.previousHolder());
                m.put("previousCrashed", e.previousCrashed());
                starts.add(m);
            }
        }
        out.put("starts", starts);
        List<String> errors = new ArrayList<>();
        for (String e : new String[] {in.formatError(), in.chainError()}) {
            if (e != null) {
                errors.add(e);
            }
        }
        out.put("errors", errors);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the run history: " + e.getMessage(), e);
        }
    }
}
