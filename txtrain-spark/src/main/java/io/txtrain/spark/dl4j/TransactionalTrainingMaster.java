package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.MultiDataSetLoader;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.TrainingResult;
import org.deeplearning4j.spark.api.TrainingWorker;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.spark.TxtrainSettings;

/**
 * Transactional parameter averaging: a drop-in for DL4J's {@code ParameterAveragingTrainingMaster}
 * with the same builder options, plus recovery options. Each averaging round is a transaction:
 * its result is made the network's state only after its log record is durable in the checkpoint
 * directory; a failed round is retried from the last committed state; running the same job again
 * on the same directory resumes at the next uncommitted round with bit-identical results.
 *
 * <p>Each {@code fit} call is one epoch: call it once per epoch, in the same order, as with DL4J.
 * Epochs already committed are skipped on resume. A directory trained further than the fit calls
 * ask for is not rolled back: its later state is what the network holds, a warning says so at
 * {@link #close()}, and {@link #epochsStarted()} tells the caller. Call {@link #close()} (or stop the SparkContext)
 * when training is done to finish a checkpoint in flight and release the directory.
 */
public final class TransactionalTrainingMaster
        implements TrainingMaster<TrainingResult, TrainingWorker<TrainingResult>>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransactionalTrainingMaster.class);

    private final Integer numWorkers;
    private final int rddDataSetNumExamples;
    private final int batchSizePerWorker;
    private final int averagingFrequency;
    private final boolean saveUpdater;
    private final long rngSeed;
    private final StorageLevel storageLevel;
    private final Map<String, String> explicitSettings;
    private final List<TrainingListener> listeners = new ArrayList<>();
    private boolean collectTrainingStats;
    private RoundTrainingStats stats;
    private TrainingRun run;
    private int fitCalls;
    private volatile boolean stopRequested;

    private TransactionalTrainingMaster(Builder b) {
        this.numWorkers = b.numWorkers;
        this.rddDataSetNumExamples = b.rddDataSetNumExamples;
        this.batchSizePerWorker = b.batchSizePerWorker;
        this.averagingFrequency = b.averagingFrequency;
        this.saveUpdater = b.saveUpdater;
        this.rngSeed = b.rngSeed;
        this.storageLevel = b.storageLevel;
        this.explicitSettings = Map.copyOf(b.settings);
        this.collectTrainingStats = b.collectTrainingStats;
    }

    @Override
    public void executeTraining(SparkDl4jMultiLayer network, JavaRDD<DataSet> trainingData) {
        fit(network.getSparkContext(), () -> ModelAdapter.of(network.getNetwork()), trainingData,
                new ObjectFitter.DataSets());
    }

    @Override
    public void executeTraining(SparkComputationGraph graph, JavaRDD<DataSet> trainingData) {
        fit(graph.getSparkContext(), () -> ModelAdapter.of(graph.getNetwork()), trainingData,
                new ObjectFitter.DataSets());
    }

    @Override
    public void executeTrainingMDS(SparkComputationGraph graph, JavaRDD<MultiDataSet> trainingData) {
        fit(graph.getSparkContext(), () -> ModelAdapter.of(graph.getNetwork()), trainingData,
                new ObjectFitter.MultiDataSets());
    }

    @Override
    public void executeTrainingPaths(SparkDl4jMultiLayer network, SparkComputationGraph graph, JavaRDD<String> paths,
                                     DataSetLoader dsLoader, MultiDataSetLoader mdsLoader) {
        JavaSparkContext sc = network != null ? network.getSparkContext() : graph.getSparkContext();
        Broadcast<SerializableHadoopConfig> conf = sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration()));
        if (network != null) {
            fit(sc, () -> ModelAdapter.of(network.getNetwork()), paths, new ObjectFitter.DataSetPaths(dsLoader, conf));
        } else if (dsLoader != null) {
            fit(sc, () -> ModelAdapter.of(graph.getNetwork()), paths, new ObjectFitter.DataSetPaths(dsLoader, conf));
        } else {
            fit(sc, () -> ModelAdapter.of(graph.getNetwork()), paths, new ObjectFitter.MultiDataSetPaths(mdsLoader, conf));
        }
    }

    private <T, P extends java.io.Serializable> void fit(JavaSparkContext sc,
            java.util.function.Supplier<ModelAdapter> model, JavaRDD<T> data, ObjectFitter<T, P> fitter) {
        int epoch = fitCalls;
        try (EpochData.PackedInput<P> input = EpochData.pack(data, fitter, storageLevel)) {
            EpochData.Stats stats = input.stats();
            if (run == null) {
                TxtrainSettings settings = TxtrainSettings.from(sc.getConf(), explicitSettings).validate();
                int workers = numWorkers != null ? numWorkers : defaultWorkers(sc, settings);
                AveragingSettings avg = new AveragingSettings(workers, batchSizePerWorker, averagingFrequency,
                        rddDataSetNumExamples, saveUpdater, rngSeed, storageLevel);
                run = TrainingRun.open(sc, model.get(), avg, settings, stats.fingerprint(), listeners);
            }
            if (collectTrainingStats && this.stats == null) {
                this.stats = new RoundTrainingStats();
            }
            run.requireUsable();
            run.collectStats(collectTrainingStats ? this.stats : null);
            run.stopWhen(() -> stopRequested);
            run.fitEpoch(epoch, input, fitter);
            fitCalls++;
        } catch (TrainingStoppedException e) {
            throw e;
        } catch (IOException e) {
            markFailed(e);
            throw new UncheckedIOException("txtrain: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (run != null && JobCancellation.isCancellation(e)) {
                TrainingStoppedException stopped = new TrainingStoppedException(run.lastLoggedRound(),
                        "because its Spark job was cancelled (a notebook's Cancel, sc.cancelJobGroup or sc.cancelAllJobs)");
                stopped.initCause(e);
                throw stopped;
            }
            markFailed(e);
            throw e;
        }
    }

    /**
     * Workers left to the builder's default: the count the run was started with when resuming (a
     * restart that sees fewer executors keeps the schedule), else Spark's default parallelism.
     */
    private static int defaultWorkers(JavaSparkContext sc, TxtrainSettings settings) throws IOException {
        java.util.OptionalInt recorded = TrainingRun.recordedWorkers(sc, settings);
        if (recorded.isPresent()) {
            if (recorded.getAsInt() != sc.defaultParallelism()) {
                LOG.info("resuming with {} workers, as the run was started (Spark's default parallelism is now {})",
                        recorded.getAsInt(), sc.defaultParallelism());
            }
            return recorded.getAsInt();
        }
        return sc.defaultParallelism();
    }

    private void markFailed(Exception e) {
        if (run != null) {
            run.failed(e);
        }
    }

    /**
     * Asks training to stop cleanly: the round in progress finishes and is committed (or aborts),
     * then {@code fit} throws {@link TrainingStoppedException}. Safe to call from any thread, e.g. a
     * signal or shutdown hook. Cancelling the Spark job (a notebook's Cancel, {@code sc.cancelJobGroup},
     * {@code sc.cancelAllJobs}) is a stop request too: the round in flight is aborted and not retried,
     * and {@code fit} throws {@link TrainingStoppedException}; running the job again resumes.
     */
    public void requestStop() {
        stopRequested = true;
    }

    /**
     * Epochs whose every round is committed in the checkpoint directory, or 0 before the first fit.
     * More than the number of {@code fit} calls made when the directory was trained further by an
     * earlier run: those calls were skipped as already committed, and the network holds the
     * directory's later state, not the state after the epochs asked for. Check this when a run may
     * be asked for fewer epochs than its directory holds (the example refuses then).
     */
    public int completedEpochs() {
        return run == null ? 0 : run.completedEpochs();
    }

    /**
     * Epochs with at least one committed round in the checkpoint directory (the last may be partial),
     * or 0 before the first fit. More than the number of {@code fit} calls made means the network
     * holds state from a later epoch than the caller asked for.
     */
    public int epochsStarted() {
        return run == null ? 0 : run.epochsStarted();
    }

    /** Last committed round, or 0 before any. */
    public long committedRound() {
        return run == null ? 0 : run.committedRound();
    }

    /** Rounds aborted (Spark job failed) and retried so far in this driver. */
    public long abortedRounds() {
        return run == null ? 0 : run.abortedRounds();
    }

    /** SHA-256 of the current network parameters (as committed), hex. */
    public String parametersSha256() {
        if (run == null) {
            throw new IllegalStateException("no training has run yet");
        }
        return run.paramsSha256();
    }

    /** Waits until no checkpoint persist is in flight (for tests); false on timeout. */
    boolean awaitPersists(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        return run == null || run.awaitPersists(timeout, unit);
    }

    /**
     * Finishes a checkpoint in flight, takes a final checkpoint and releases the checkpoint directory.
     * The directory is released on every path: after an interrupt (no final checkpoint; the interrupt
     * status is kept), after the SparkContext was stopped, and after an error. Idempotent.
     *
     * @throws IllegalStateException if only the final checkpoint could not be written (the directory
     *                               is released all the same, and nothing committed is lost)
     */
    @Override
    public void close() {
        TrainingRun r = run;
        run = null;
        if (r != null) {
            if (r.epochsStarted() > fitCalls && fitCalls > 0) {
                LOG.warn("the checkpoint directory has trained into epoch {} (round {}), past the {} fit call(s) of"
                        + " this run: the network holds that later state, not the state after epoch {}; use a new"
                        + " checkpoint directory for a shorter run", r.epochsStarted(), r.committedRound(), fitCalls,
                        fitCalls);
            }
            r.close();
        }
    }

    @Override
    public TrainingWorker<TrainingResult> getWorkerInstance(SparkDl4jMultiLayer network) {
        throw new UnsupportedOperationException("txtrain runs rounds itself and has no per-minibatch TrainingWorker");
    }

    @Override
    public TrainingWorker<TrainingResult> getWorkerInstance(SparkComputationGraph graph) {
        throw new UnsupportedOperationException("txtrain runs rounds itself and has no per-minibatch TrainingWorker");
    }

    @Override
    public void removeHook(TrainingHook trainingHook) {
        throw new UnsupportedOperationException("TrainingHooks are not supported by txtrain; use TrainingListeners");
    }

    @Override
    public void addHook(TrainingHook trainingHook) {
        throw new UnsupportedOperationException("TrainingHooks are not supported by txtrain; use TrainingListeners");
    }

    @Override
    public String toJson() {
        return "{\"type\":\"txtrain\",\"batchSizePerWorker\":" + batchSizePerWorker + ",\"averagingFrequency\":"
                + averagingFrequency + ",\"rddDataSetNumExamples\":" + rddDataSetNumExamples + ",\"saveUpdater\":"
                + saveUpdater + ",\"rngSeed\":" + rngSeed + ",\"numWorkers\":" + numWorkers + "}";
    }

    @Override
    public String toYaml() {
        return "type: txtrain\nbatchSizePerWorker: " + batchSizePerWorker + "\naveragingFrequency: " + averagingFrequency
                + "\nrddDataSetNumExamples: " + rddDataSetNumExamples + "\nsaveUpdater: " + saveUpdater + "\nrngSeed: "
                + rngSeed + "\nnumWorkers: " + numWorkers + "\n";
    }

    @Override
    public void setCollectTrainingStats(boolean collect) {
        this.collectTrainingStats = collect;
    }

    @Override
    public boolean getIsCollectTrainingStats() {
        return collectTrainingStats;
    }

    @Override
    public SparkTrainingStats getTrainingStats() {
        return stats;
    }

    /** Listeners run on the driver after each committed round (iterationDone) and each epoch. */
    @Override
    public void setListeners(Collection<TrainingListener> listeners) {
        this.listeners.clear();
        if (listeners != null) {
            this.listeners.addAll(listeners);
        }
    }

    @Override
    public void setListeners(StatsStorageRouter router, Collection<TrainingListener> listeners) {
        if (router != null) {
            throw new UnsupportedOperationException("remote StatsStorageRouter is not supported by txtrain;"
                    + " attach listeners with setListeners(listeners): they run on the driver after each round");
        }
        setListeners(listeners);
    }

    @Override
    public boolean deleteTempFiles(JavaSparkContext sc) {
        return true; // txtrain writes no temporary export files
    }

    @Override
    public boolean deleteTempFiles(SparkContext sc) {
        return true;
    }

    /** Same options as {@code ParameterAveragingTrainingMaster.Builder}, plus recovery options. */
    public static final class Builder {
        private final Integer numWorkers;
        private final int rddDataSetNumExamples;
        private int batchSizePerWorker = 16;
        private int averagingFrequency = 5;
        private boolean saveUpdater = true;
        private long rngSeed = 12345L;
        private StorageLevel storageLevel = StorageLevel.MEMORY_AND_DISK();
        private boolean collectTrainingStats;
        private final Map<String, String> settings = new HashMap<>();

        /**
         * Workers left to Spark: a new run takes {@code sc.defaultParallelism()}; a resumed run keeps
         * the count it was started with (recorded in the directory), whatever the cluster's size now.
         */
        public Builder(int rddDataSetNumExamples) {
            this(null, rddDataSetNumExamples);
        }

        /**
         * @param numWorkers parameter-averaging workers; null: as {@link #Builder(int)}. An explicit count
         *                   that differs from the one a resumed run was started with fails the resume.
         */
        public Builder(Integer numWorkers, int rddDataSetNumExamples) {
            if (numWorkers != null && numWorkers < 1) {
                throw new IllegalArgumentException("numWorkers must be >= 1, was " + numWorkers);
            }
            if (rddDataSetNumExamples < 1) {
                throw new IllegalArgumentException("rddDataSetNumExamples must be >= 1, was " + rddDataSetNumExamples);
            }
            this.numWorkers = numWorkers;
            this.rddDataSetNumExamples = rddDataSetNumExamples;
        }

        public Builder batchSizePerWorker(int n) {
            this.batchSizePerWorker = positive("batchSizePerWorker", n);
            return this;
        }

        public Builder averagingFrequency(int n) {
            this.averagingFrequency = positive("averagingFrequency", n);
            return this;
        }

        /** Accepted for compatibility; aggregation is always in partition order on the driver. */
        public Builder aggregationDepth(int depth) {
            positive("aggregationDepth", depth);
            return this;
        }

        /** Accepted for compatibility; a worker's round data is already in memory. */
        public Builder workerPrefetchNumBatches(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("workerPrefetchNumBatches must be >= 0, was " + n);
            }
            return this;
        }

        public Builder saveUpdater(boolean save) {
            this.saveUpdater = save;
            return this;
        }

        /** Accepted for compatibility; txtrain lays data out deterministically per round itself. */
        public Builder repartionData(Repartition repartition) {
            return this;
        }

        /** Accepted for compatibility; txtrain lays data out deterministically per round itself. */
        public Builder repartitionStrategy(RepartitionStrategy strategy) {
            return this;
        }

        /**
         * How each fit caches its input, packed, until the epoch's first round has run, and the epoch's
         * laid-out data until the epoch ends. Default {@code MEMORY_AND_DISK}.
         */
        public Builder storageLevel(StorageLevel level) {
            this.storageLevel = level;
            return this;
        }

        /** Accepted for compatibility; txtrain always trains directly from the RDD (no export). */
        public Builder rddTrainingApproach(RDDTrainingApproach approach) {
            return this;
        }

        public Builder rngSeed(long seed) {
            this.rngSeed = seed;
            return this;
        }

        public Builder collectTrainingStats(boolean collect) {
            this.collectTrainingStats = collect;
            return this;
        }

        /** Checkpoint directory URI (spark.txtrain.checkpoint.dir). */
        public Builder checkpointDirectory(String uri) {
            return set(TxtrainSettings.DIR, uri);
        }

        /** Checkpoint policy (spark.txtrain.checkpoint.policy), e.g. "every-rounds:10" or "off". */
        public Builder checkpointPolicy(String policy) {
            return set(TxtrainSettings.POLICY, policy);
        }

        public Builder retainCheckpoints(int k) {
            return set(TxtrainSettings.RETAIN, Integer.toString(k));
        }

        public Builder maxRoundAttempts(int n) {
            return set(TxtrainSettings.MAX_ATTEMPTS, Integer.toString(n));
        }

        /** Any spark.txtrain.* option, overriding the SparkConf. */
        public Builder set(String key, String value) {
            if (!key.startsWith(TxtrainSettings.PREFIX)) {
                throw new IllegalArgumentException("txtrain options start with " + TxtrainSettings.PREFIX + ": " + key);
            }
            settings.put(key, value);
            return this;
        }

        public TransactionalTrainingMaster build() {
            TxtrainSettings.of(settings).validate();
            FaultInjection.parse(settings.get(TxtrainSettings.FAIL_TASKS));
            HeapHold.parse(settings.get(TxtrainSettings.HOLD_HEAP));
            return new TransactionalTrainingMaster(this);
        }

        private static int positive(String name, int n) {
            if (n < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, was " + n);
            }
            return n;
        }
    }
}
