package io.txtrain.spark.dl4j;

import static org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats.WORKER_FLAT_MAP_DATA_SET_GET_TIMES_MS;
import static org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats.WORKER_FLAT_MAP_GET_INITIAL_MODEL_TIME_MS;
import static org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats.WORKER_FLAT_MAP_PROCESS_MINI_BATCH_TIMES_MS;
import static org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats.WORKER_FLAT_MAP_TOTAL_TIME_MS;
import static org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS;
import static org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_COUNT_RDD_TIMES_MS;
import static org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_FIT_TIMES_MS;
import static org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_MAP_PARTITIONS_TIMES_MS;
import static org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_PROCESS_PARAMS_UPDATER_TIMES_MS;
import static org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_SPLIT_TIMES_MS;
import static org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats.PARAMETER_AVERAGING_WORKER_FIT_TIMES_MS;
import static org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats.PARAMETER_AVERAGING_WORKER_INIT_TIME_MS;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.stats.BaseEventStats;
import org.deeplearning4j.spark.stats.ExampleCountEventStats;
import org.deeplearning4j.spark.stats.PartitionCountEventStats;

/**
 * Fills {@link RoundTrainingStats} from txtrain's measurements, mapped onto the DL4J parameter
 * averaging keys they correspond to: counting the input is the fingerprint pass, the split is the
 * epoch's layout, mapPartitions is a round's stage, aggregation is the driver's average in
 * partition order, and processing params is applying the committed state to the network.
 * Worker events are timed on the executors and recorded with the driver's machine id.
 */
final class DropInStats implements RoundObserver {
    private final RoundTrainingStats stats = new RoundTrainingStats();

    RoundTrainingStats stats() {
        return stats;
    }

    void counted(long startMillis, long durationMs) {
        stats.add(PARAMETER_AVERAGING_MASTER_COUNT_RDD_TIMES_MS, new BaseEventStats(startMillis, durationMs));
    }

    void fitDone(long startMillis, long durationMs, long objects) {
        stats.add(PARAMETER_AVERAGING_MASTER_FIT_TIMES_MS,
                new ExampleCountEventStats(startMillis, durationMs, objects));
    }

    @Override
    public void laidOut(long startMillis, long durationMs) {
        stats.add(PARAMETER_AVERAGING_MASTER_SPLIT_TIMES_MS, new BaseEventStats(startMillis, durationMs));
    }

    @Override
    public void checkpointStall(long startMillis, long durationMs) {
        stats.add(RoundTrainingStats.SNAPSHOT, startMillis, durationMs);
    }

    @Override
    public void roundDone(Round r, Model model) {
        long start = r.stageStartMillis();
        long aggregateStart = start + r.stageMillis();
        long commitStart = aggregateStart + r.aggregateMillis();
        stats.add(PARAMETER_AVERAGING_MASTER_MAP_PARTITIONS_TIMES_MS,
                new PartitionCountEventStats(start, r.stageMillis(), r.workers().size()));
        stats.add(PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS, new BaseEventStats(aggregateStart, r.aggregateMillis()));
        stats.add(PARAMETER_AVERAGING_MASTER_PROCESS_PARAMS_UPDATER_TIMES_MS,
                new BaseEventStats(commitStart + r.commitMillis(), r.applyMillis()));
        stats.add(RoundTrainingStats.STAGE, start, r.stageMillis());
        if (r.replayed()) {
            stats.add(RoundTrainingStats.REPLAY, start, r.stageMillis() + r.aggregateMillis() + r.commitMillis());
        } else {
            stats.add(RoundTrainingStats.COMMIT, commitStart, r.commitMillis());
        }
        for (RoundResult w : r.workers()) {
            if (w.examples == 0) {
                continue;
            }
            stats.add(RoundTrainingStats.WORKER_FIT, w.fitStartMillis, w.fitMillis);
            stats.add(WORKER_FLAT_MAP_TOTAL_TIME_MS,
                    new ExampleCountEventStats(w.taskStartMillis, w.dataMillis + w.fitMillis, w.examples));
            stats.add(WORKER_FLAT_MAP_DATA_SET_GET_TIMES_MS, new BaseEventStats(w.taskStartMillis, w.dataMillis));
            stats.add(WORKER_FLAT_MAP_GET_INITIAL_MODEL_TIME_MS, new BaseEventStats(w.fitStartMillis, w.initMillis));
            stats.add(PARAMETER_AVERAGING_WORKER_INIT_TIME_MS, new BaseEventStats(w.fitStartMillis, w.initMillis));
            long mbStart = w.fitStartMillis + w.initMillis;
            for (int i = 0; i < w.minibatchMillis.length; i++) {
                stats.add(PARAMETER_AVERAGING_WORKER_FIT_TIMES_MS,
                        new ExampleCountEventStats(mbStart, w.minibatchMillis[i], w.minibatchExamples[i]));
                stats.add(WORKER_FLAT_MAP_PROCESS_MINI_BATCH_TIMES_MS, new BaseEventStats(mbStart, w.minibatchMillis[i]));
                mbStart += w.minibatchMillis[i];
            }
        }
    }
}
