package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
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

    /** Sub-directory of the checkpoint directory that holds the runs of the second and later networks. */
    public static final String NETWORKS_DIR = io.txtrain.core.fs.DirLayout.NETWORKS_DIR;

    private final MasterOptions options;
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
    private DropInStats stats;
    /** One run per Spark network wrapper, in the order of their first fit with this master. */
    private final Map<Object, NetworkRun> networks = new IdentityHashMap<>();
    private NetworkRun last;
    private volatile boolean stopRequested;
    private boolean closed;
    private volatile boolean replaying;

    private static final class NetworkRun {
        final int number;
        TrainingRun run;
        int fitCalls;

        NetworkRun(int number) {
            this.number = number;
        }
    }

    private TransactionalTrainingMaster(Builder b) {
        this.options = b.options.copy();
        this.numWorkers = options.numWorkers;
        this.rddDataSetNumExamples = options.rddDataSetNumExamples;
        this.batchSizePerWorker = options.batchSizePerWorker;
        this.averagingFrequency = options.averagingFrequency;
        this.saveUpdater = options.saveUpdater;
        this.rngSeed = options.rngSeed;
        this.storageLevel = options.storageLevel;
        this.explicitSettings = Map.copyOf(options.settings);
        setCollectTrainingStats(options.collectTrainingStats);
        options.logIgnored(LOG);
    }

    /** As {@code ParameterAveragingTrainingMaster}'s constructor of the same signature. */
    public TransactionalTrainingMaster(boolean saveUpdater, Integer numWorkers, int rddDataSetNumExamples,
                                       int batchSizePerWorker, int averagingFrequency, int prefetchNumBatches) {
        this(saveUpdater, numWorkers, rddDataSetNumExamples, batchSizePerWorker, averagingFrequency, 2,
                prefetchNumBatches, Repartition.Always, RepartitionStrategy.Balanced, false);
    }

    /** As {@code ParameterAveragingTrainingMaster}'s constructor of the same signature. */
    public TransactionalTrainingMaster(boolean saveUpdater, Integer numWorkers, int rddDataSetNumExamples,
                                       int batchSizePerWorker, int averagingFrequency, int aggregationDepth,
                                       int prefetchNumBatches, Repartition repartition,
                                       RepartitionStrategy repartitionStrategy, boolean collectTrainingStats) {
        this(saveUpdater, numWorkers, rddDataSetNumExamples, batchSizePerWorker, averagingFrequency, aggregationDepth,
                prefetchNumBatches, repartition, repartitionStrategy, StorageLevel.MEMORY_ONLY_SER(),
                collectTrainingStats);
    }

    /**
     * As {@code ParameterAveragingTrainingMaster}'s constructor of the same signature. The checkpoint
     * directory then comes from the SparkConf ({@code spark.txtrain.checkpoint.dir}).
     */
    public TransactionalTrainingMaster(boolean saveUpdater, Integer numWorkers, int rddDataSetNumExamples,
                                       int batchSizePerWorker, int averagingFrequency, int aggregationDepth,
                                       int prefetchNumBatches, Repartition repartition,
                                       RepartitionStrategy repartitionStrategy, StorageLevel storageLevel,
                                       boolean collectTrainingStats) {
        this(new Builder(requireWorkers(numWorkers), rddDataSetNumExamples).saveUpdater(saveUpdater)
                .batchSizePerWorker(batchSizePerWorker).averagingFrequency(averagingFrequency)
                .aggregationDepth(aggregationDepth).workerPrefetchNumBatches(prefetchNumBatches)
                .repartionData(repartition).repartitionStrategy(repartitionStrategy).storageLevel(storageLevel)
                .collectTrainingStats(collectTrainingStats));
    }

    private static Integer requireWorkers(Integer numWorkers) {
        if (numWorkers == null) {
            throw new IllegalArgumentException("numWorkers must be >= 1, was null");
        }
        return numWorkers;
    }

    /** The master described by {@link #toJson()}'s output. */
    public static TransactionalTrainingMaster fromJson(String json) {
        return new Builder(MasterJson.fromJson(json)).build();
    }

    /** The master described by {@link #toYaml()}'s output. */
    public static TransactionalTrainingMaster fromYaml(String yaml) {
        return new Builder(MasterJson.fromYaml(yaml)).build();
    }

    @Override
    public void executeTraining(SparkDl4jMultiLayer network, JavaRDD<DataSet> trainingData) {
        fit(network, network.getSparkContext(), () -> ModelAdapter.of(network.getNetwork()), trainingData,
                new ObjectFitter.DataSets(), network::setScore);
    }

    @Override
    public void executeTraining(SparkComputationGraph graph, JavaRDD<DataSet> trainingData) {
        fit(graph, graph.getSparkContext(), () -> ModelAdapter.of(graph.getNetwork()), trainingData,
                new ObjectFitter.DataSets(), graph::setScore);
    }

    @Override
    public void executeTrainingMDS(SparkComputationGraph graph, JavaRDD<MultiDataSet> trainingData) {
        fit(graph, graph.getSparkContext(), () -> ModelAdapter.of(graph.getNetwork()), trainingData,
                new ObjectFitter.MultiDataSets(), graph::setScore);
    }

    @Override
    public void executeTrainingPaths(SparkDl4jMultiLayer network, SparkComputationGraph graph, JavaRDD<String> paths,
                                     DataSetLoader dsLoader, MultiDataSetLoader mdsLoader) {
        JavaSparkContext sc = network != null ? network.getSparkContext() : graph.getSparkContext();
        Broadcast<SerializableHadoopConfig> conf = sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration()));
        if (network != null) {
            fit(network, sc, () -> ModelAdapter.of(network.getNetwork()), paths,
                    new ObjectFitter.DataSetPaths(dsLoader, conf), network::setScore);
        } else if (dsLoader != null) {
            fit(graph, sc, () -> ModelAdapter.of(graph.getNetwork()), paths,
                    new ObjectFitter.DataSetPaths(dsLoader, conf), graph::setScore);
        } else {
            fit(graph, sc, () -> ModelAdapter.of(graph.getNetwork()), paths,
                    new ObjectFitter.MultiDataSetPaths(mdsLoader, conf), graph::setScore);
        }
    }

    private <T, P extends java.io.Serializable> void fit(Object wrapper, JavaSparkContext sc,
            java.util.function.Supplier<ModelAdapter> model, JavaRDD<T> data, ObjectFitter<T, P> fitter,
            java.util.function.DoubleConsumer wrapperScore) {
        if (closed) {
            throw new IllegalStateException("txtrain: this TransactionalTrainingMaster was closed; build a new one"
                    + " with the same settings and networks: it resumes from the checkpoint directory");
        }
        NetworkRun net = networks.computeIfAbsent(wrapper, w -> new NetworkRun(networks.size() + 1));
        last = net;
        int epoch = net.fitCalls;
        long fitStart = System.currentTimeMillis();
        DropInStats collecting = stats;
        try (EpochData.PackedInput<P> input = EpochData.pack(data, fitter, storageLevel)) {
            EpochData.Stats inputStats = input.stats();
            if (collecting != null) {
                collecting.counted(fitStart, System.currentTimeMillis() - fitStart);
            }
            ModelAdapter adapter = model.get();
            if (net.run == null) {
                TxtrainSettings settings = settingsFor(sc, net.number);
                int workers = numWorkers != null ? numWorkers : defaultWorkers(sc, settings);
                AveragingSettings avg = new AveragingSettings(workers, batchSizePerWorker, averagingFrequency,
                        rddDataSetNumExamples, saveUpdater, rngSeed, storageLevel);
                net.run = TrainingRun.open(sc, adapter, avg, settings, inputStats.fingerprint(), listeners);
            }
            net.run.requireUsable();
            net.run.observe(new RoundObserver() {
                @Override
                public void roundDone(Round r, org.deeplearning4j.nn.api.Model m) {
                    replaying = r.replayed();
                    wrapperScore.accept(r.score());
                    if (collecting != null) {
                        collecting.roundDone(r, m);
                    }
                }

                @Override
                public void laidOut(long startMillis, long durationMs) {
                    if (collecting != null) {
                        collecting.laidOut(startMillis, durationMs);
                    }
                }

                @Override
                public void checkpointStall(long startMillis, long durationMs) {
                    if (collecting != null) {
                        collecting.checkpointStall(startMillis, durationMs);
                    }
                }
            });
            net.run.stopWhen(() -> stopRequested);
            net.run.fitEpoch(epoch, input, fitter);
            net.fitCalls++;
            if (collecting != null) {
                collecting.fitDone(fitStart, System.currentTimeMillis() - fitStart, inputStats.objects());
            }
        } catch (TrainingStoppedException e) {
            throw e;
        } catch (IOException e) {
            markFailed(net, e);
            throw new UncheckedIOException("txtrain: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            if (net.run != null && JobCancellation.isCancellation(e)) {
                TrainingStoppedException stopped = new TrainingStoppedException(net.run.lastLoggedRound(),
                        "because its Spark job was cancelled (a notebook's Cancel, sc.cancelJobGroup or sc.cancelAllJobs)");
                stopped.initCause(e);
                throw stopped;
            }
            markFailed(net, e);
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

    /**
     * The settings of the {@code number}-th network trained with this master: the first uses the
     * checkpoint directory itself, the n-th (n >= 2) its sub-directory {@code networks/n}.
     */
    private TxtrainSettings settingsFor(JavaSparkContext sc, int number) {
        TxtrainSettings settings = TxtrainSettings.from(sc.getConf(), explicitSettings).validate();
        if (number == 1) {
            return settings;
        }
        Map<String, String> own = new HashMap<>(explicitSettings);
        String dir = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(settings.checkpointDir()),
                NETWORKS_DIR + "/" + number).toString();
        own.put(TxtrainSettings.DIR, dir);
        LOG.info("network {} trained with this master has its own run in {}", number, dir);
        return TxtrainSettings.from(sc.getConf(), own).validate();
    }

    private static void markFailed(NetworkRun net, Exception e) {
        if (net.run != null) {
            net.run.failed(e);
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

    private TrainingRun lastRun() {
        return last == null ? null : last.run;
    }

    /**
     * Whether the round that just finished re-executed a round committed before a restart (replay
     * from the newest checkpoint, verified against its log record) rather than training a new one.
     * Listeners called after a round can use it to show replays as such.
     */
    public boolean replaying() {
        return replaying;
    }

    /**
     * Epochs whose every round is committed in the checkpoint directory, or 0 before the first fit.
     * More than the number of {@code fit} calls made when the directory was trained further by an
     * earlier run: those calls were skipped as already committed, and the network holds the
     * directory's later state, not the state after the epochs asked for. Check this when a run may
     * be asked for fewer epochs than its directory holds (the example refuses then).
     */
    public int completedEpochs() {
        TrainingRun run = lastRun();
        return run == null ? 0 : run.completedEpochs();
    }

    /**
     * Epochs with at least one committed round in the checkpoint directory (the last may be partial),
     * or 0 before the first fit. More than the number of {@code fit} calls made means the network
     * holds state from a later epoch than the caller asked for.
     */
    public int epochsStarted() {
        TrainingRun run = lastRun();
        return run == null ? 0 : run.epochsStarted();
    }

    /** Last committed round of the most recently fitted network, or 0 before any. */
    public long committedRound() {
        TrainingRun run = lastRun();
        return run == null ? 0 : run.committedRound();
    }

    /** Rounds aborted (Spark job failed) and retried so far in this driver, for the most recently fitted network. */
    public long abortedRounds() {
        TrainingRun run = lastRun();
        return run == null ? 0 : run.abortedRounds();
    }

    /** SHA-256 of the most recently fitted network's parameters (as committed), hex. */
    public String parametersSha256() {
        TrainingRun run = lastRun();
        if (run == null) {
            throw new IllegalStateException("no training has run yet");
        }
        return run.paramsSha256();
    }

    /** Waits until no checkpoint persist is in flight (for tests); false on timeout. */
    boolean awaitPersists(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        for (NetworkRun n : networks.values()) {
            if (n.run != null && !n.run.awaitPersists(timeout, unit)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Finishes checkpoints in flight, takes a final checkpoint and releases the checkpoint directory
     * (of every network trained with this master). The directory is released on every path: after an
     * interrupt (no final checkpoint; the interrupt status is kept), after the SparkContext was
     * stopped, and after an error. Idempotent. A closed master refuses further {@code fit} calls; a
     * new master with the same settings resumes from the directory.
     *
     * @throws IllegalStateException if only a final checkpoint could not be written (the directory
     *                               is released all the same, and nothing committed is lost)
     */
    @Override
    public void close() {
        closed = true;
        RuntimeException first = null;
        for (NetworkRun n : networks.values()) {
            if (n.run != null) {
                if (n.run.epochsStarted() > n.fitCalls && n.fitCalls > 0) {
                    LOG.warn("the checkpoint directory has trained into epoch {} (round {}), past the {} fit call(s) of"
                            + " this run: the network holds that later state, not the state after epoch {}; use a new"
                            + " checkpoint directory for a shorter run", n.run.epochsStarted(), n.run.committedRound(),
                            n.fitCalls, n.fitCalls);
                }
                try {
                    n.run.close();
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
                n.run = null;
            }
        }
        networks.clear();
        last = null;
        if (first != null) {
            throw first;
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

    /** Removing a hook is a no-op: txtrain never holds any (see {@link #addHook}). */
    @Override
    public void removeHook(TrainingHook trainingHook) {
    }

    /**
     * @throws UnsupportedOperationException always: DL4J's TrainingHooks run inside each worker's
     *         minibatch loop (e.g. for parameter servers), which would make rounds depend on state
     *         outside the log; attach TrainingListeners instead, which run on the driver per round
     */
    @Override
    public void addHook(TrainingHook trainingHook) {
        throw new UnsupportedOperationException(MasterOptions.HOOKS_UNSUPPORTED);
    }

    /** All settings as JSON (Jackson); {@link #fromJson} makes an equal master. */
    @Override
    public String toJson() {
        return MasterJson.toJson(options);
    }

    /** All settings as YAML (Jackson); {@link #fromYaml} makes an equal master. */
    @Override
    public String toYaml() {
        return MasterJson.toYaml(options);
    }

    /** Every setting, for comparing masters (statistics and listeners are not settings). */
    @Override
    public boolean equals(Object o) {
        return o instanceof TransactionalTrainingMaster m && options.equals(m.options);
    }

    @Override
    public int hashCode() {
        return options.hashCode();
    }

    /** As DL4J's: {@code false} also discards the statistics collected so far. */
    @Override
    public void setCollectTrainingStats(boolean collect) {
        this.collectTrainingStats = collect;
        options.collectTrainingStats = collect;
        if (!collect) {
            stats = null;
        } else if (stats == null) {
            stats = new DropInStats();
        }
    }

    @Override
    public boolean getIsCollectTrainingStats() {
        return collectTrainingStats;
    }

    @Override
    public SparkTrainingStats getTrainingStats() {
        return stats == null ? null : stats.stats();
    }

    /** Listeners run on the driver after each committed round (iterationDone) and each epoch. */
    @Override
    public void setListeners(Collection<TrainingListener> listeners) {
        this.listeners.clear();
        if (listeners != null) {
            this.listeners.addAll(listeners);
        }
    }

    /**
     * As {@link #setListeners(Collection)}; listeners that report to a {@link StatsStorageRouter}
     * (DL4J's {@code StatsListener}) and have none get {@code router}. They run on the driver after
     * each committed round, so the router receives one report per committed round.
     */
    @Override
    public void setListeners(StatsStorageRouter router, Collection<TrainingListener> listeners) {
        setListeners(RouterBridge.attach(router, listeners));
    }

    @Override
    public boolean deleteTempFiles(JavaSparkContext sc) {
        return true; // txtrain writes no temporary export files
    }

    @Override
    public boolean deleteTempFiles(SparkContext sc) {
        return true;
    }

    /**
     * Same options, names and meanings as {@code ParameterAveragingTrainingMaster.Builder}, plus
     * recovery options. Differences: {@code rngSeed} defaults to 12345 (DL4J: random), because a run
     * must be repeatable to resume; {@code storageLevel} defaults to {@code MEMORY_AND_DISK} and may
     * not be null; TrainingHooks are refused. Options without effect in txtrain (aggregation depth,
     * prefetch, repartitioning, export, storageLevelStreams) are kept and logged once at INFO.
     */
    public static final class Builder {
        private final MasterOptions options;

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
            options = new MasterOptions();
            options.numWorkers = numWorkers;
            options.rddDataSetNumExamples = rddDataSetNumExamples;
            validate(options);
        }

        private Builder(MasterOptions o) {
            validate(o);
            options = o;
        }

        private static void validate(MasterOptions o) {
            if (o.numWorkers != null && o.numWorkers < 1) {
                throw new IllegalArgumentException("numWorkers must be >= 1, was " + o.numWorkers);
            }
            if (o.rddDataSetNumExamples < 1) {
                throw new IllegalArgumentException("rddDataSetNumExamples must be >= 1, was " + o.rddDataSetNumExamples);
            }
            positive("batchSizePerWorker", o.batchSizePerWorker);
            positive("averagingFrequency", o.averagingFrequency);
            positive("aggregationDepth", o.aggregationDepth);
            if (o.workerPrefetchNumBatches < 0) {
                throw new IllegalArgumentException("workerPrefetchNumBatches must be >= 0, was "
                        + o.workerPrefetchNumBatches);
            }
            if (o.storageLevel == null) {
                throw new IllegalArgumentException("storageLevel must not be null: txtrain caches each fit's input"
                        + " once (e.g. StorageLevel.MEMORY_AND_DISK(), the default)");
            }
            for (String key : o.settings.keySet()) {
                checkKey(key);
            }
        }

        public Builder batchSizePerWorker(int n) {
            options.batchSizePerWorker = positive("batchSizePerWorker", n);
            return this;
        }

        public Builder averagingFrequency(int n) {
            options.averagingFrequency = positive("averagingFrequency", n);
            return this;
        }

        /** Accepted and ignored (logged): aggregation is always in partition order on the driver. */
        public Builder aggregationDepth(int depth) {
            options.aggregationDepth = positive("aggregationDepth", depth);
            return this;
        }

        /** Accepted and ignored (logged): a worker's round data is already in memory. */
        public Builder workerPrefetchNumBatches(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("workerPrefetchNumBatches must be >= 0, was " + n);
            }
            options.workerPrefetchNumBatches = n;
            return this;
        }

        public Builder saveUpdater(boolean save) {
            options.saveUpdater = save;
            return this;
        }

        /** Accepted and ignored (logged): txtrain lays data out deterministically per round itself. */
        public Builder repartionData(Repartition repartition) {
            options.repartition = java.util.Objects.requireNonNull(repartition, "repartition");
            return this;
        }

        /** Accepted and ignored (logged): txtrain lays data out deterministically per round itself. */
        public Builder repartitionStrategy(RepartitionStrategy strategy) {
            options.repartitionStrategy = java.util.Objects.requireNonNull(strategy, "repartitionStrategy");
            return this;
        }

        /**
         * How each fit caches its input, packed, until the epoch's first round has run, and the epoch's
         * laid-out data until the epoch ends. Default {@code MEMORY_AND_DISK}; must not be null.
         */
        public Builder storageLevel(StorageLevel level) {
            if (level == null) {
                throw new IllegalArgumentException("storageLevel must not be null: txtrain caches each fit's input"
                        + " once (e.g. StorageLevel.MEMORY_AND_DISK(), the default)");
            }
            options.storageLevel = level;
            return this;
        }

        /** Accepted and ignored (logged): path RDDs are cached with {@link #storageLevel} like any input. */
        public Builder storageLevelStreams(StorageLevel level) {
            options.storageLevelStreams = level;
            return this;
        }

        /** Accepted and ignored (logged): txtrain always trains directly from the RDD (no export). */
        public Builder rddTrainingApproach(RDDTrainingApproach approach) {
            options.rddTrainingApproach = java.util.Objects.requireNonNull(approach, "rddTrainingApproach");
            return this;
        }

        /** Accepted and ignored (logged): txtrain exports no data. */
        public Builder exportDirectory(String dir) {
            options.exportDirectory = dir;
            return this;
        }

        /**
         * Accepted only when empty.
         *
         * @throws UnsupportedOperationException for any hook (see {@link TransactionalTrainingMaster#addHook})
         */
        public Builder trainingHooks(Collection<TrainingHook> hooks) {
            if (hooks != null && !hooks.isEmpty()) {
                throw new UnsupportedOperationException(MasterOptions.HOOKS_UNSUPPORTED);
            }
            return this;
        }

        /** As {@link #trainingHooks(Collection)}. */
        public Builder trainingHooks(TrainingHook... hooks) {
            return trainingHooks(hooks == null ? null : java.util.Arrays.asList(hooks));
        }

        /** Seed of the data layout and the workers' random numbers. Default 12345 (DL4J: random). */
        public Builder rngSeed(long seed) {
            options.rngSeed = seed;
            return this;
        }

        public Builder collectTrainingStats(boolean collect) {
            options.collectTrainingStats = collect;
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
            checkKey(key);
            options.settings.put(key, value);
            return this;
        }

        private static void checkKey(String key) {
            if (!key.startsWith(TxtrainSettings.PREFIX)) {
                throw new IllegalArgumentException("txtrain options start with " + TxtrainSettings.PREFIX + ": " + key);
            }
        }

        public TransactionalTrainingMaster build() {
            TxtrainSettings.of(options.settings).validate();
            FaultInjection.parse(options.settings.get(TxtrainSettings.FAIL_TASKS));
            HeapHold.parse(options.settings.get(TxtrainSettings.HOLD_HEAP));
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
