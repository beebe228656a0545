package io.txtrain.spark.dl4j;

import java.io.Serializable;
import java.util.Map;

import org.apache.spark.storage.StorageLevel;

/** The parameter-averaging settings that define a run; part of its identity on resume. */
record AveragingSettings(int workers, int batchSizePerWorker, int averagingFrequency, int rddDataSetNumExamples,
                         boolean saveUpdater, long rngSeed, StorageLevel storageLevel) implements Serializable {
    /** The run attribute holding the number of workers. */
    static final String WORKERS = "averaging.workers";

    int objectsPerMinibatch() {
        return Math.max(1, batchSizePerWorker / rddDataSetNumExamples);
    }

    int objectsPerWorker() {
        return objectsPerMinibatch() * averagingFrequency;
    }

    Map<String, String> attributes() {
        return Map.of(WORKERS, Integer.toString(workers),
                "averaging.batchSizePerWorker", Integer.toString(batchSizePerWorker),
                "averaging.frequency", Integer.toString(averagingFrequency),
                "averaging.rddDataSetNumExamples", Integer.toString(rddDataSetNumExamples),
                "averaging.saveUpdater", Boolean.toString(saveUpdater),
                "averaging.rngSeed", Long.toString(rngSeed));
    }
}
