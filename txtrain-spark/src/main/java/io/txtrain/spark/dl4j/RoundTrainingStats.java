package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats;
import org.deeplearning4j.spark.stats.BaseEventStats;
import org.deeplearning4j.spark.stats.EventStats;

/**
 * DL4J training statistics ({@code setCollectTrainingStats(true)}) of a txtrain run. Holds the keys
 * of DL4J's {@code ParameterAveragingTrainingMaster} statistics (master, worker and common Spark keys,
 * with the same event classes, so {@code StatsUtils.exportStatsAsHtml} renders them), filled where
 * txtrain has the same measurement and empty where it has none (e.g. export, repartition), plus
 * txtrain's own {@code Txtrain*} keys: round stage, commit, checkpoint stall and replayed rounds.
 */
public final class RoundTrainingStats implements SparkTrainingStats {
    private static final long serialVersionUID = 1L;
    static final String STAGE = "TxtrainRoundStageTimesMs";
    static final String WORKER_FIT = "TxtrainWorkerFitTimesMs";
    static final String COMMIT = "TxtrainCommitTimesMs";
    static final String SNAPSHOT = "TxtrainCheckpointStallTimesMs";
    static final String REPLAY = "TxtrainReplayedRoundTimesMs";
    private static final Map<String, String> SHORT = Map.of(STAGE, "RoundStage", WORKER_FIT, "WorkerFit",
            COMMIT, "Commit", SNAPSHOT, "CheckpointStall", REPLAY, "ReplayedRound");
    /** DL4J's own statistics classes, used only for their key names and plot defaults. */
    private static final SparkTrainingStats DL4J_KEYS = new ParameterAveragingTrainingMasterStats(
            new CommonSparkTrainingStats.Builder().trainingMasterSpecificStats(
                    new ParameterAveragingTrainingWorkerStats(List.of(), List.of(), List.of())).build(),
            List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    private final Map<String, List<EventStats>> events = new LinkedHashMap<>();

    RoundTrainingStats() {
        for (String k : DL4J_KEYS.getKeySet()) {
            events.put(k, new ArrayList<>());
        }
        for (String k : List.of(STAGE, WORKER_FIT, COMMIT, SNAPSHOT, REPLAY)) {
            events.put(k, new ArrayList<>());
        }
    }

    synchronized void add(String key, EventStats e) {
        events.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
    }

    void add(String key, long startMillis, long durationMs) {
        add(key, new BaseEventStats(startMillis, durationMs));
    }

    @Override
    public synchronized Set<String> getKeySet() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(events.keySet()));
    }

    @Override
    public synchronized List<EventStats> getValue(String key) {
        List<EventStats> v = events.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no statistics for key " + key + "; keys are " + events.keySet());
        }
        return List.copyOf(v);
    }

    @Override
    public String getShortNameForKey(String key) {
        return SHORT.containsKey(key) ? SHORT.get(key) : DL4J_KEYS.getShortNameForKey(key);
    }

    @Override
    public boolean defaultIncludeInPlots(String key) {
        return SHORT.containsKey(key) || DL4J_KEYS.defaultIncludeInPlots(key);
    }

    @Override
    public synchronized void addOtherTrainingStats(SparkTrainingStats other) {
        for (String k : other.getKeySet()) {
            for (EventStats e : other.getValue(k)) {
                add(k, e);
            }
        }
    }

    @Override
    public SparkTrainingStats getNestedTrainingStats() {
        return null;
    }

    @Override
    public synchronized String statsAsString() {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, List<EventStats>> e : events.entrySet()) {
            if (e.getValue().isEmpty()) {
                continue;
            }
            long n = e.getValue().size();
            long sum = 0;
            long min = Long.MAX_VALUE;
            long max = 0;
            for (EventStats s : e.getValue()) {
                sum += s.getDurationMs();
                min = Math.min(min, s.getDurationMs());
                max = Math.max(max, s.getDurationMs());
            }
            sb.append(String.format("%-32s count=%d mean=%.1fms min=%dms max=%dms%n", e.getKey(), n,
                    n == 0 ? 0.0 : (double) sum / n, n == 0 ? 0 : min, max));
        }
        return sb.toString();
    }

    /** Writes one CSV file per key into {@code outputPath} (any Hadoop URI). */
    @Override
    public synchronized void exportStatFiles(String outputPath, SparkContext sc) throws IOException {
        Path dir = new Path(outputPath);
        FileSystem fs = dir.getFileSystem(sc.hadoopConfiguration());
        for (Map.Entry<String, List<EventStats>> e : events.entrySet()) {
            try (OutputStream out = fs.create(new Path(dir, e.getKey() + ".csv"), true)) {
                List<EventStats> list = e.getValue();
                if (list.isEmpty()) {
                    continue;
                }
                StringBuilder sb = new StringBuilder(list.get(0).getStringHeader(",")).append('\n');
                for (EventStats s : list) {
                    sb.append(s.asString(",")).append('\n');
                }
                out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
    }
}
