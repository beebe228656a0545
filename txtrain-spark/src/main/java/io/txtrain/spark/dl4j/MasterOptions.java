package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.slf4j.Logger;

/**
 * Every setting of a {@link TransactionalTrainingMaster}: DL4J's {@code ParameterAveragingTrainingMaster}
 * options under their DL4J names, and the {@code spark.txtrain.*} settings. Options that have no
 * effect in txtrain are kept (so that they serialize and compare) and reported once by
 * {@link #logIgnored}.
 */
final class MasterOptions {
    static final String HOOKS_UNSUPPORTED = "DL4J TrainingHooks are not supported by txtrain: they run inside"
            + " each worker's minibatch loop, outside the round's log record; attach TrainingListeners instead"
            + " (they run on the driver after each committed round)";

    Integer numWorkers;
    int rddDataSetNumExamples;
    int batchSizePerWorker = 16;
    int averagingFrequency = 5;
    int aggregationDepth = 2;
    int workerPrefetchNumBatches;
    boolean saveUpdater = true;
    long rngSeed = 12345L;
    Repartition repartition = Repartition.Always;
    RepartitionStrategy repartitionStrategy = RepartitionStrategy.Balanced;
    StorageLevel storageLevel = StorageLevel.MEMORY_AND_DISK();
    StorageLevel storageLevelStreams = StorageLevel.MEMORY_ONLY();
    RDDTrainingApproach rddTrainingApproach = RDDTrainingApproach.Export;
    String exportDirectory;
    boolean collectTrainingStats;
    Map<String, String> settings = new TreeMap<>();

    MasterOptions copy() {
        MasterOptions o = new MasterOptions();
        o.numWorkers = numWorkers;
        o.rddDataSetNumExamples = rddDataSetNumExamples;
        o.batchSizePerWorker = batchSizePerWorker;
        o.averagingFrequency = averagingFrequency;
        o.aggregationDepth = aggregationDepth;
        o.workerPrefetchNumBatches = workerPrefetchNumBatches;
        o.saveUpdater = saveUpdater;
        o.rngSeed = rngSeed;
        o.repartition = repartition;
        o.repartitionStrategy = repartitionStrategy;
        o.storageLevel = storageLevel;
        o.storageLevelStreams = storageLevelStreams;
        o.rddTrainingApproach = rddTrainingApproach;
        o.exportDirectory = exportDirectory;
        o.collectTrainingStats = collectTrainingStats;
        o.settings = new TreeMap<>(settings);
        return o;
    }

    /** The DL4J options this master accepts but that change nothing in txtrain, each with the reason. */
    List<String> ignored() {
        List<String> out = new ArrayList<>();
        MasterOptions d = new MasterOptions();
        if (aggregationDepth != d.aggregationDepth) {
            out.add("aggregationDepth=" + aggregationDepth + " (results are averaged in partition order, on the driver"
                    + " or in one executor task (spark.txtrain.aggregation), which makes rounds bit-identical)");
        }
        if (workerPrefetchNumBatches != d.workerPrefetchNumBatches) {
            out.add("workerPrefetchNumBatches=" + workerPrefetchNumBatches + " (a worker's round data is in memory)");
        }
        if (repartition != d.repartition || repartitionStrategy != d.repartitionStrategy) {
            out.add("repartionData=" + repartition + ", repartitionStrategy=" + repartitionStrategy
                    + " (txtrain lays each epoch out into rounds itself, deterministically from rngSeed)");
        }
        if (rddTrainingApproach != d.rddTrainingApproach || exportDirectory != null) {
            out.add("rddTrainingApproach=" + rddTrainingApproach + ", exportDirectory=" + exportDirectory
                    + " (txtrain trains from the RDD directly and exports nothing)");
        }
        if (!Objects.equals(storageLevelStreams, d.storageLevelStreams)) {
            out.add("storageLevelStreams=" + StorageLevels.name(storageLevelStreams)
                    + " (path RDDs are cached with storageLevel like any other input)");
        }
        return out;
    }

    void logIgnored(Logger log) {
        List<String> ignored = ignored();
        if (!ignored.isEmpty()) {
            log.info("txtrain ignores these ParameterAveragingTrainingMaster options: {}",
                    String.join("; ", ignored));
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MasterOptions m)) {
            return false;
        }
        return Objects.equals(numWorkers, m.numWorkers) && rddDataSetNumExamples == m.rddDataSetNumExamples
                && batchSizePerWorker == m.batchSizePerWorker && averagingFrequency == m.averagingFrequency
                && aggregationDepth == m.aggregationDepth && workerPrefetchNumBatches == m.workerPrefetchNumBatches
                && saveUpdater == m.saveUpdater && rngSeed == m.rngSeed && repartition == m.repartition
                && repartitionStrategy == m.repartitionStrategy && Objects.equals(storageLevel, m.storageLevel)
                && Objects.equals(storageLevelStreams, m.storageLevelStreams)
                && rddTrainingApproach == m.rddTrainingApproach && Objects.equals(exportDirectory, m.exportDirectory)
                && collectTrainingStats == m.collectTrainingStats && settings.equals(m.settings);
    }

    @Override
    public int hashCode() {
        return Objects.hash(numWorkers, rddDataSetNumExamples, batchSizePerWorker, averagingFrequency, rngSeed,
                settings);
    }
}
