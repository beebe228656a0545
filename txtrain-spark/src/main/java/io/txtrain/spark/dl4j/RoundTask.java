package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.factory.Nd4j;

import io.txtrain.training.Seeds;
import scala.Tuple2;

/**
 * One worker's part of a round, run as a Spark task: fit this partition's objects, in their
 * permuted order, starting from the round's state ({@link HandoffInput}). Deterministic for a given input and
 * {@link EnvironmentFingerprint}: the task pins the thread settings that change the bits
 * ({@link NumericsPinning}) before it fits, whatever the executor's shape.
 */
final class RoundTask<P extends java.io.Serializable>
        implements Function2<Integer, Iterator<Tuple2<Integer, Placed<P>>>, Iterator<RoundResult>> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<String> configJson;
    private final String configKey;
    private final ModelAdapter.Kind kind;
    private final HandoffInput input;
    private final ObjectFitter<?, P> fitter;
    private final int objectsPerMinibatch;
    private final FaultInjection faults;
    private final HeapHold heapHold;
    private final int roundAttempt;
    private final String environmentOverride;

    RoundTask(Broadcast<String> configJson, String configKey, ModelAdapter.Kind kind, HandoffInput input,
              ObjectFitter<?, P> fitter, int objectsPerMinibatch, FaultInjection faults, HeapHold heapHold,
              int roundAttempt, String environmentOverride) {
        this.configJson = configJson;
        this.configKey = configKey;
        this.kind = kind;
        this.input = input;
        this.fitter = fitter;
        this.objectsPerMinibatch = objectsPerMinibatch;
        this.faults = faults;
        this.heapHold = heapHold;
        this.roundAttempt = roundAttempt;
        this.environmentOverride = environmentOverride;
    }

    @Override
    public Iterator<RoundResult> call(Integer partition, Iterator<Tuple2<Integer, Placed<P>>> data) {
        long taskStart = System.currentTimeMillis();
        RoundInput in = input.value();
        TaskContext tc = TaskContext.get();
        List<Placed<P>> objects = new ArrayList<>();
        data.forEachRemaining(t -> objects.add(t._2()));
        return List.of(fit(in, partition, objects, tc == null ? 0 : tc.attemptNumber(), taskStart)).iterator();
    }

    /**
     * One worker's round: {@code objects} (this worker's of the round, in any order) fitted from
     * {@code in}. The same bits for the same arguments, whichever task or JVM runs it.
     *
     * @param taskAttempt Spark's attempt number of the running task (for fault injection)
     * @param startMillis when the worker began this round (its input and data are counted from it)
     */
    RoundResult fit(RoundInput in, int partition, List<Placed<P>> objects, int taskAttempt, long startMillis) {
        faults.maybeFail(in.round, partition, taskAttempt, roundAttempt);
        heapHold.atRound(in.round);
        objects.sort(Comparator.comparingLong(o -> o.position));
        long seed = Seeds.workerSeed(in.rngSeed, in.epoch, in.round, partition);
        String environment = EnvironmentFingerprint.pinAndMeasure(environmentOverride);
        if (objects.isEmpty()) {
            return RoundResult.empty(partition, seed, environment);
        }
        long dataHash = 0;
        for (Placed<P> o : objects) {
            dataHash = ObjectFitter.combine(dataHash, ObjectFitter.combine(o.position, o.hash));
        }
        long fitStart = System.currentTimeMillis();
        ModelAdapter model = WorkerModelCache.borrow(configKey, kind, configJson.value());
        try {
            model.setParams(in.params);
            model.setUpdaterState(in.updater);
            model.setCounters(in.iteration, in.counterEpoch);
            long initMillis = System.currentTimeMillis() - fitStart;
            long[] minibatchMillis = new long[(objects.size() + objectsPerMinibatch - 1) / objectsPerMinibatch];
            long[] minibatchExamples = new long[minibatchMillis.length];
            Nd4j.getRandom().setSeed(seed);
            long examples = 0;
            int minibatches = 0;
            double scoreSum = 0;
            for (int from = 0; from < objects.size(); from += objectsPerMinibatch) {
                List<P> batch = new ArrayList<>();
                for (int i = from; i < Math.min(objects.size(), from + objectsPerMinibatch); i++) {
                    batch.add(objects.get(i).object);
                }
                long mbStart = System.currentTimeMillis();
                minibatchExamples[minibatches] = fitter.fit(model, batch);
                examples += minibatchExamples[minibatches];
                scoreSum += model.score();
                minibatchMillis[minibatches] = System.currentTimeMillis() - mbStart;
                minibatches++;
            }
            return new RoundResult(partition, model.params(), model.updaterState(), scoreSum / minibatches,
                    examples, minibatches, dataHash, seed, fitStart, System.currentTimeMillis() - fitStart,
                    startMillis, fitStart - startMillis, initMillis, minibatchMillis, minibatchExamples, environment);
        } finally {
            WorkerModelCache.release(configKey, model);
        }
    }
}
