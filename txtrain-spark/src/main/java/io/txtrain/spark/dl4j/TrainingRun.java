package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.fs.UnreachableStoreException;
import io.txtrain.core.log.LineageChange;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.policy.AdaptiveCheckpointPolicy;
import io.txtrain.core.policy.CheckpointPolicy;
import io.txtrain.core.policy.Decision;
import io.txtrain.core.policy.NoCheckpointPolicy;
import io.txtrain.core.policy.PolicyInput;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.spark.ExecutorNotice;
import io.txtrain.spark.TelemetryRegistry;
import io.txtrain.spark.TrainingTelemetry;
import io.txtrain.spark.TxtrainSettings;

/**
 * The driver side of one transactional training run: resumes from the checkpoint directory, then
 * executes epochs round by round. A round's result becomes the network's state only after its log
 * record is durable; a replayed round must reproduce its record's checksum.
 */
final class TrainingRun implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingRun.class);
    static final String BLOB_PARAMS = "params";
    static final String BLOB_UPDATER = "updater";
    static final String BLOB_CURSOR = "cursor";
    static final String BLOB_CONFIG = "config";
    /** Identity attributes earlier versions recorded ({@code nd4j.backend}) or did not ({@code numerics.pinning}). */
    static final java.util.Set<String> VERSIONED_IDENTITY = java.util.Set.of("nd4j.backend", "numerics.pinning");

    private final JavaSparkContext sc;
    private final ModelAdapter model;
    private final AveragingSettings averaging;
    private final TxtrainSettings settings;
    private final OpenRun run;
    private final RoundRunner runner;
    private final Broadcast<String> configJson;
    private final String configKey;
    private final Map<Long, RoundRecord> toReplay = new HashMap<>();
    private final CheckpointPolicy policy;
    private final TrainingTelemetry telemetry;
    private final AutoCloseable failureSubscription;
    private final PersistOutcomes persists;
    private final ReplayVerifier replayVerifier;
    private final PhysicalRedo physicalRedo;
    /** True while replayed rounds were skipped for a later round's physical image: params/updater are stale. */
    private boolean awaitingImage;
    private final Collection<TrainingListener> listeners;
    private RoundObserver observer = RoundObserver.NONE;
    private AggregationSite lastAggregationSite;
    /** The network's DL4J epoch counter before the run's first epoch (PATM continues from it). */
    private final int epochBase;
    private java.util.function.BooleanSupplier stopRequested = () -> false;
    private FlatState params;
    private FlatState updater;
    /** Checksum of (params, updater) as committed in the log; null when it must be computed. */
    private byte[] stateChecksum;
    private Exception failure;
    private boolean closed;
    private TrainingCursor cursor;
    private long lastCheckpointRound;
    private long lastCheckpointMillis = System.currentTimeMillis();
    private double lastRoundSeconds;
    /** Monitoring events since the previous round record, written into the next one. */
    private final List<String> noticesSinceRecord = new ArrayList<>();
    private final List<String> checkpointsSinceRecord = new ArrayList<>();

    private TrainingRun(JavaSparkContext sc, ModelAdapter model, AveragingSettings averaging, TxtrainSettings settings,
                        OpenRun run, Collection<TrainingListener> listeners, String initialConfig,
                        TrainingTelemetry telemetry, PersistOutcomes persists) {
        this.sc = sc;
        this.model = model;
        this.averaging = averaging;
        this.settings = settings;
        this.run = run;
        this.listeners = listeners;
        this.epochBase = model.epochCount();
        StateMemory.configure(settings.driverStateOffHeap());
        this.runner = new RoundRunner(sc, settings.maxAttempts(), settings.executorWait(),
                FaultInjection.parse(settings.get(TxtrainSettings.FAIL_TASKS)), telemetry::roundAborted, telemetry,
                HeapHold.parse(settings.get(TxtrainSettings.HOLD_HEAP)),
                java.util.Objects.requireNonNullElse(settings.get(TxtrainSettings.TEST_ENVIRONMENT), ""));
        this.configJson = sc.broadcast(initialConfig);
        this.configKey = StateDigest.hex(StateDigest.of(initialConfig.getBytes(StandardCharsets.UTF_8)));
        this.replayVerifier = new ReplayVerifier(settings.acceptReplayMismatch(),
                settings.continueOnEnvironmentChange());
        this.physicalRedo = new PhysicalRedo(settings.physicalRedoMaxBytes(), settings.physicalRedoMaxShare());
        this.telemetry = telemetry;
        this.persists = persists;
        this.policy = settings.policy(telemetry != TrainingTelemetry.NONE, System.currentTimeMillis());
        this.failureSubscription = telemetry.onFailure(policy::recordFailure);
        for (RecoveryEvent e : run.plan().chain().recoveries()) {
            if (e.previousCrashed()) {
                policy.recordFailure(e.timeMillis(), "driver restart (writer epoch " + e.writerEpoch() + ")");
            }
        }
    }

    /** Opens (or resumes) the run in the configured directory and restores the network's state. */
    static TrainingRun open(JavaSparkContext sc, ModelAdapter model, AveragingSettings averaging,
                            TxtrainSettings settings, String dataFingerprint, Collection<TrainingListener> listeners)
            throws IOException {
        String config = model.configJson();
        Map<String, String> identity = new HashMap<>(averaging.attributes());
        identity.put("model.kind", model.kind().name());
        identity.put("model.config.sha256", StateDigest.hex(StateDigest.of(config.getBytes(StandardCharsets.UTF_8))));
        identity.put("data.fingerprint", dataFingerprint);
        // The backend and hardware are the environment (each round records it), not the run's identity.
        identity.put("numerics.pinning", NumericsPinning.DESCRIPTION);
        URI dir = new Path(settings.checkpointDir()).toUri();
        String app = sc.sc().applicationId() + " " + sc.sc().appName();
        TrainingTelemetry telemetry = TelemetryRegistry.current();
        if (telemetry == null) {
            telemetry = TrainingTelemetry.NONE;
            LOG.info("txtrain monitoring is off (add --conf spark.plugins={}); checkpoint policy {}",
                    "io.txtrain.spark.plugin.TxtrainPlugin", settings.policyExplicit()
                            ? settings.get(TxtrainSettings.POLICY) : TxtrainSettings.DEFAULT_UNMONITORED_POLICY);
        }
        PersistOutcomes persists = new PersistOutcomes(telemetry);
        OpenRun run = reaching(dir, () -> RecoveryDirectory.open(dir, sc.hadoopConfiguration(), settings.core(),
                identity, VERSIONED_IDENTITY, app, persists));
        try {
            TrainingRun t = new TrainingRun(sc, model, averaging, settings, run, listeners, config, telemetry, persists);
            t.restore(run.plan());
            return t;
        } catch (RuntimeException | IOException e) {
            run.close();
            throw e;
        }
    }

    /**
     * The number of workers the run in the configured directory was started with (its {@code FORMAT}),
     * or empty for a new run: a run whose worker count was left to Spark's default parallelism keeps
     * it when resumed on a cluster of another size.
     */
    static java.util.OptionalInt recordedWorkers(JavaSparkContext sc, TxtrainSettings settings) throws IOException {
        URI dir = new Path(settings.checkpointDir()).toUri();
        String w = reaching(dir, () -> RecoveryDirectory.runAttributes(dir, sc.hadoopConfiguration()))
                .get(AveragingSettings.WORKERS);
        if (w == null) {
            return java.util.OptionalInt.empty();
        }
        try {
            return java.util.OptionalInt.of(Integer.parseInt(w));
        } catch (NumberFormatException e) {
            throw new IOException("the FORMAT of " + dir + " records " + AveragingSettings.WORKERS + " = '" + w
                    + "', not a number: the directory is damaged");
        }
    }

    private interface StoreCall<T> {
        T call() throws IOException;
    }

    /** Runs the first calls to a checkpoint directory's store; an unreachable store is named as such. */
    private static <T> T reaching(URI dir, StoreCall<T> call) throws IOException {
        try {
            return call.call();
        } catch (IOException | IllegalArgumentException e) {
            UnreachableStoreException unreachable = UnreachableStoreException.describe(dir, e);
            if (unreachable != null) {
                throw unreachable;
            }
            throw e;
        }
    }

    private void restore(RecoveryPlan plan) throws IOException {
        for (RoundRecord r : plan.replay()) {
            toReplay.put(r.round(), r);
        }
        if (plan.start() != null) {
            Map<String, byte[]> blobs = plan.start().blobs();
            params = FlatState.decode(blobs.get(BLOB_PARAMS));
            updater = FlatState.decode(blobs.get(BLOB_UPDATER));
            stateChecksum = null;
            cursor = TrainingCursor.decode(blobs.get(BLOB_CURSOR));
            model.setParams(params);
            model.setUpdaterState(updater);
            model.setCounters(cursor.iteration(), epochBase + Math.max(0, cursor.epoch()));
            lastCheckpointRound = cursor.round();
            persists.restored(cursor.round());
            LOG.info("restored round {} (epoch {}, split {}/{}) from {}; {} committed round(s) to replay",
                    cursor.round(), cursor.epoch() + 1, cursor.split() + 1, cursor.splitCount(),
                    plan.start().ref().path(), toReplay.size());
        } else {
            params = model.params().keep();
            updater = model.updaterState().keep();
            stateChecksum = null;
            cursor = TrainingCursor.initial(model.iterationCount());
            if (!toReplay.isEmpty()) {
                LOG.warn("no valid checkpoint; replaying {} committed round(s) from the initial state", toReplay.size());
            }
            // The initial state is checkpoint 0, so later resumes never depend on the caller's initialisation.
            if (!run.checkpoints().persistNow(snapshot())) {
                throw new IOException("could not write the initial checkpoint to " + run.root());
            }
            lastCheckpointRound = 0;
        }
    }

    /** Trains one epoch ({@code epoch} = the caller's fit count), skipping rounds already committed. */
    <T, P extends java.io.Serializable> void fitEpoch(int epoch, EpochData.PackedInput<P> input,
                                                      ObjectFitter<T, P> fitter) throws IOException {
        if (model.rebindIfReleased(params, updater)) {
            LOG.warn("the network's parameter array was closed outside txtrain (Spark removes broadcasts of it,"
                    + " e.g. DL4J's calculateScore); the network now holds the committed state (round {}) in a new one",
                    cursor.round());
        }
        if (cursor.covers(epoch)) {
            LOG.info("epoch {} already committed (state is at round {}, epoch {}); skipped", epoch + 1,
                    cursor.round(), cursor.epoch() + 1);
            model.setCounters(cursor.iteration(), epochBase + epoch);
            return;
        }
        int startSplit;
        if (cursor.epoch() == epoch) {
            startSplit = cursor.split() + 1;
        } else if (cursor.epoch() == epoch - 1 && cursor.epochComplete()) {
            startSplit = 0;
        } else {
            throw new IllegalStateException("the checkpoint directory is at epoch " + (cursor.epoch() + 1) + ", split "
                    + (cursor.split() + 1) + "/" + cursor.splitCount() + ", but this is fit call " + (epoch + 1)
                    + "; call fit once per epoch, in the same order as the run that wrote the directory");
        }
        long layoutStart = System.currentTimeMillis();
        try (EpochData<P> laid = EpochData.layOut(input, averaging.workers(), averaging.objectsPerWorker(),
                averaging.rngSeed(), epoch, averaging.storageLevel()); RoundLauncher launcher = new RoundLauncher(sc, runner,
                settings.roundStream())) {
            observer.laidOut(layoutStart, System.currentTimeMillis() - layoutStart);
            int splits = laid.schedule().splitCount();
            if (cursor.epoch() == epoch && cursor.splitCount() != splits) {
                throw new IllegalStateException("epoch " + (epoch + 1) + " had " + cursor.splitCount()
                        + " rounds when it was started and now has " + splits + "; the data or settings changed");
            }
            RoundLauncher.Launched next = null;
            try {
                for (int split = startSplit; split < splits; split++) {
                    if (!awaitingImage && stopRequested.getAsBoolean()) {
                        throw new TrainingStoppedException(cursor.round());
                    }
                    RoundLauncher.Launched launched = next;
                    next = null;
                    next = round(laid, epoch, split, fitter, launcher, launched);
                    if (split == startSplit) {
                        laid.releaseInput();
                    }
                }
            } finally {
                if (next != null) {
                    next.abandon(); // launched for a round that will not be committed now
                }
            }
        }
        for (TrainingListener l : listeners) {
            l.onEpochEnd(model.model());
        }
    }

    /**
     * Runs, commits (or verifies) and applies one round. Before committing it, launches the next
     * round of the epoch from its state, so that the next job runs while this one is committed:
     * that round is returned, and it is used only after this commit (or abandoned).
     *
     * @param launched this round, if the previous round launched it; else null
     */
    private <P extends java.io.Serializable> RoundLauncher.Launched round(EpochData<P> data, int epoch, int split,
            ObjectFitter<?, P> fitter, RoundLauncher launcher, RoundLauncher.Launched launched) throws IOException {
        long round = cursor.round() + 1;
        int splits = data.schedule().splitCount();
        if (launched == null && isPhysicalRedo(round)) {
            redoPhysically(toReplay.remove(round), epoch, split, splits);
            return null;
        }
        persists.feed(policy);
        actOnLateNotices();
        if (launched == null) {
            launched = launcher.launch(job(data, split, fitter, params, updater, cursor.iteration(), epoch, round));
        }
        RoundRunner.Outcome outcome = launched.await();
        long stageStart = launched.startedMillis();
        long t0 = launched.startedNanos();
        long tResults = outcome.receivedNanos();
        RoundAggregate aggregate = outcome.aggregate();
        FlatState newUpdater = aggregate.updater() != null ? aggregate.updater() : updater;
        model.setCounters(cursor.iteration(), epochBase + epoch);
        String lr = model.learningRate();
        RoundLauncher.Launched next = null;
        if (split + 1 < splits && !isPhysicalRedo(round + 1)) {
            next = launcher.launch(job(data, split + 1, fitter, aggregate.params(), newUpdater,
                    cursor.next(epoch, split, splits, averaging.averagingFrequency()).iteration(), epoch, round + 1));
        }
        try {
            finish(aggregate, newUpdater, lr, epoch, split, splits, stageStart, t0, tResults);
        } catch (IOException | RuntimeException | Error e) {
            if (next != null) {
                next.abandon();
            }
            throw e;
        }
        return next;
    }

    private boolean isPhysicalRedo(long round) {
        RoundRecord logged = toReplay.get(round);
        return logged != null && RoundRecord.REDO_PHYSICAL.equals(logged.attributes().get(RoundRecord.REDO));
    }

    /** The job of round {@code round} from the given state (committed, or the previous round's about to be). */
    private <P extends java.io.Serializable> RoundJob<P> job(EpochData<P> data, int split, ObjectFitter<?, P> fitter,
            FlatState fromParams, FlatState fromUpdater, int iteration, int epoch, long round) {
        RoundInput input = new RoundInput(fromParams, fromUpdater, iteration, epoch, epochBase + epoch, round,
                averaging.rngSeed());
        AggregationSite site = aggregationSite(fromParams, fromUpdater);
        int slices = site == AggregationSite.EXECUTORS ? averagingSlices(fromParams, fromUpdater) : 1;
        return new RoundJob<>(data, split, input, configJson, configKey, model.kind(), fitter,
                averaging.objectsPerMinibatch(), averaging.saveUpdater(), site, slices);
    }

    /** Commits (or verifies) the round's result, applies it, reports it and decides on a checkpoint. */
    private void finish(RoundAggregate aggregate, FlatState newUpdater, String lr, int epoch, int split, int splits,
                        long stageStart, long t0, long tResults) throws IOException {
        long round = aggregate.round();
        byte[] checksum = StateDigest.of(aggregate.params(), newUpdater);
        long commitMillis = System.currentTimeMillis();
        RoundRecord replayOf = toReplay.remove(round);
        long t1 = System.nanoTime();
        RoundRecord record = commitOrVerify(aggregate, newUpdater, checksum, commitMillis, replayOf, lr, epoch, split,
                splits, t0, t1);
        long t2 = System.nanoTime();
        FlatState previous = apply(aggregate.params(), newUpdater, checksum, epoch, split, splits, record.score());
        long t3 = System.nanoTime();
        LOG.info("{} round {} (epoch {}, split {}/{}): score {}, {} examples, state {} (stage {} ms, commit {} ms)",
                replayOf != null ? "replayed" : "committed", round, epoch + 1, split + 1, splits,
                String.format("%.5f", record.score()), aggregate.examples(), record.stateChecksumHex().substring(0, 12),
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        if (replayOf == null) {
            telemetry.roundCommitted(round, t2 - t1, t2 - t0);
        }
        observer.roundDone(new RoundObserver.Round(round, epoch, split, splits, cursor.iteration(), epochBase + epoch,
                record.score(), aggregate.examples(), replayOf != null, stageStart, (tResults - t0) / 1_000_000,
                (t1 - tResults) / 1_000_000, (t2 - t1) / 1_000_000, (t3 - t2) / 1_000_000, aggregate.workers()),
                model.model());
        notifyListeners(aggregate.examples(), previous, epoch);
        lastRoundSeconds = (t2 - t0) / 1e9;
        maybeCheckpoint(lastRoundSeconds, split == splits - 1, telemetry.takeNotices());
    }

    /** Where this round is averaged: {@code spark.txtrain.aggregation}, {@code auto} by the size of the workers' states. */
    private AggregationSite aggregationSite(FlatState fromParams, FlatState fromUpdater) {
        long stateBytes = (long) fromParams.sizeBytes() + fromUpdater.sizeBytes();
        AggregationSite site = AggregationSite.choose(settings.aggregation(), sc.sc().isLocal(), averaging.workers(),
                stateBytes);
        if (site != lastAggregationSite) {
            LOG.info("rounds are averaged on the {} ({} = {}, {} workers x {} bytes of state{})",
                    site.name().toLowerCase(Locale.ROOT), io.txtrain.core.config.TxtrainConfig.AGGREGATION.key(),
                    settings.aggregation(), averaging.workers(), stateBytes, site == AggregationSite.EXECUTORS
                            ? " in " + averagingSlices(fromParams, fromUpdater) + " slice(s)" : "");
            lastAggregationSite = site;
        }
        return site;
    }

    /** How many executor tasks average the round: {@code spark.txtrain.aggregation.sliceBytes} of the averaged state each. */
    private int averagingSlices(FlatState fromParams, FlatState fromUpdater) {
        return ExecutorAggregation.slices((long) fromParams.sizeBytes()
                + (averaging.saveUpdater() ? fromUpdater.sizeBytes() : 0), settings.aggregationSliceBytes());
    }

    /** Still the boundary after the previous round: acts on notices that came after its checkpoint decision. */
    private void actOnLateNotices() {
        List<ExecutorNotice> late = telemetry.takeNotices();
        if (!late.isEmpty() && cursor.round() > 0) {
            maybeCheckpoint(lastRoundSeconds, false, late);
        }
    }

    /**
     * Makes the round's record durable (a new round) or checks it against the logged one (a
     * replayed round, {@code replayOf}); a lineage change is durable before the state is used.
     */
    private RoundRecord commitOrVerify(RoundAggregate aggregate, FlatState newUpdater, byte[] checksum,
                                       long commitMillis, RoundRecord replayOf, String lr, int epoch, int split,
                                       int splits, long t0, long t1) throws IOException {
        FlatState newParams = aggregate.params();
        byte[] image = replayOf == null && physicalRedo.wanted((long) newParams.sizeBytes()
                + newUpdater.sizeBytes()) ? PhysicalRedo.encode(newParams, newUpdater) : null;
        Map<String, String> attributes = attributes(aggregate.workers().size(), aggregate.minibatches(), commitMillis);
        attributes.put(RoundRecord.ENVIRONMENT, aggregate.environment());
        if (image != null) {
            attributes.put(RoundRecord.REDO, RoundRecord.REDO_PHYSICAL);
        }
        RoundRecord record = new RoundRecord(aggregate.round(), epoch, split, splits, aggregate.seeds(),
                Map.of("learningRate", lr, "iteration", Integer.toString(cursor.iteration())),
                String.format("%016x", aggregate.dataHash()), aggregate.examples(), aggregate.meanScore(), checksum,
                commitMillis, attributes);
        if (replayOf != null) {
            LineageChange change = replayVerifier.check(replayOf, record, run.writerEpoch());
            if (change != null) {
                run.recordLineage(change); // durable before the new state is used or checkpointed
            }
        } else {
            run.commit(record, image);
        }
        if (image != null) {
            long t2 = System.nanoTime();
            physicalRedo.measured(t2 - t1, t2 - t0);
        }
        return record;
    }

    /** Makes the committed (or verified) state the network's; returns the parameters it replaced. */
    private FlatState apply(FlatState newParams, FlatState newUpdater, byte[] checksum, int epoch, int split,
                            int splits, double score) {
        FlatState previous = params;
        params = newParams;
        updater = newUpdater;
        stateChecksum = checksum;
        model.setParams(params);
        model.setUpdaterState(updater);
        // as DL4J's parameter averaging: each round advances the iteration counter by averagingFrequency
        cursor = cursor.next(epoch, split, splits, averaging.averagingFrequency());
        model.setCounters(cursor.iteration(), epochBase + epoch);
        model.setScore(score);
        return previous;
    }

    /** DL4J listeners see the round as one iteration on the network that now holds its state. */
    private void notifyListeners(long examples, FlatState previous, int epoch) {
        if (listeners.isEmpty()) {
            return;
        }
        model.asRoundForListeners(examples, previous, params, () -> {
            for (TrainingListener l : listeners) {
                l.iterationDone(model.model(), cursor.iteration(), epochBase + epoch);
            }
        });
    }

    /**
     * The round record's attributes: the round's shape and, with the plugin, the monitoring events
     * since the previous record and the health hazard now (docs/PROTOCOL.md §3.1).
     */
    private Map<String, String> attributes(int workers, int minibatches, long nowMillis) {
        Map<String, String> a = new TreeMap<>();
        a.put("workers", Integer.toString(workers));
        a.put("minibatches", Integer.toString(minibatches));
        if (telemetry == TrainingTelemetry.NONE) {
            return a;
        }
        if (!noticesSinceRecord.isEmpty()) {
            a.put(ATTR_NOTICES, String.join("; ", noticesSinceRecord));
        }
        if (!checkpointsSinceRecord.isEmpty()) {
            a.put(ATTR_CHECKPOINTS, String.join("; ", checkpointsSinceRecord));
        }
        noticesSinceRecord.clear();
        checkpointsSinceRecord.clear();
        policy.recordHealth(nowMillis, telemetry.health());
        if (policy instanceof AdaptiveCheckpointPolicy p) {
            a.put(ATTR_HAZARD, String.format(Locale.ROOT, "%.3f", p.hazardFactor(nowMillis)));
            String signal = p.hazardSignal(nowMillis);
            if (!signal.isEmpty()) {
                a.put(ATTR_SIGNAL, signal);
            }
            a.put(ATTR_INTERVAL, String.format(Locale.ROOT, "%.3f", p.intervalSeconds(nowMillis)));
        }
        return a;
    }

    /** Round record attributes written with the plugin (docs/PROTOCOL.md §3.1). */
    static final String ATTR_NOTICES = "monitor.notices";
    static final String ATTR_CHECKPOINTS = "monitor.checkpoints";
    static final String ATTR_HAZARD = "monitor.hazard";
    static final String ATTR_SIGNAL = "monitor.signal";
    static final String ATTR_INTERVAL = "monitor.interval";

    private void maybeCheckpoint(double roundSeconds, boolean epochBoundary, List<ExecutorNotice> notices) {
        for (ExecutorNotice n : notices) {
            policy.recordNotice(n.timeMillis(), n.executorId(), n.what());
            noticesSinceRecord.add(n.executorId() + "@" + n.timeMillis() + ": " + n.what());
        }
        long now = System.currentTimeMillis();
        PolicyInput in = new PolicyInput(cursor.round(), now, Math.max(0, now - lastCheckpointMillis) / 1000.0,
                cursor.round() - lastCheckpointRound, roundSeconds, epochBoundary,
                run.checkpoints().persistInFlight(), telemetry.clusterLoad(),
                telemetry.lastExecutorLossMillis() > lastCheckpointMillis);
        Decision d = policy.decide(in);
        telemetry.policyState(d.currentIntervalSeconds(), d.mtbfSeconds());
        if (d.action() == Decision.Action.NONE) {
            LOG.debug("{}", d.logLine());
            return;
        }
        LOG.info("{}", d.logLine());
        if (!d.takesCheckpoint()) {
            return;
        }
        if (d.action() == Decision.Action.WAIT_FOR_PERSIST) {
            try {
                run.checkpoints().awaitIdle(1, java.util.concurrent.TimeUnit.HOURS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (checkpoint()) {
            checkpointsSinceRecord.add(cursor.round() + ": " + d.reason());
        }
    }

    /**
     * Replays a committed round from its physical redo image, without a Spark job. A round whose
     * image was superseded by a later round's only advances the position; the state is restored at
     * the round that holds the image (at the latest at the end of the epoch).
     */
    private void redoPhysically(RoundRecord rec, int epoch, int split, int splits) throws IOException {
        FlatState[] state = PhysicalRedo.restore(rec, run.plan().chain().stateImage(rec.round()), epoch, split,
                run.root());
        awaitingImage = state == null;
        if (state != null) {
            params = state[0];
            updater = state[1];
            stateChecksum = rec.stateChecksum();
            model.setParams(params);
            model.setUpdaterState(updater);
        }
        // as in round(): each round advances the iteration counter by averagingFrequency
        cursor = cursor.next(epoch, split, splits, averaging.averagingFrequency());
        model.setCounters(cursor.iteration(), epochBase + epoch);
        model.setScore(rec.score());
        LOG.info("replayed round {} (epoch {}, split {}/{}) from the log's physical redo image{}", rec.round(),
                epoch + 1, split + 1, splits, awaitingImage ? " (superseded by a later round's)" : ", state "
                        + rec.stateChecksumHex().substring(0, 12));
        if (!awaitingImage) {
            maybeCheckpoint(0, split == splits - 1, telemetry.takeNotices());
        }
    }

    /** The checkpoint of the committed state: views of its (immutable) bytes, taken on this thread. */
    private CheckpointSnapshot snapshot() {
        byte[] digest = stateChecksum != null ? stateChecksum : StateDigest.of(params, updater);
        return run.snapshotOfImmutable(cursor.round(), digest, blobs(params, updater, cursor, configJson.value()));
    }

    /** A checkpoint's blobs: the states' own (immutable) bytes, not copies. */
    static Map<String, List<ByteBuffer>> blobs(FlatState params, FlatState updater, TrainingCursor cursor,
                                               String configJson) {
        Map<String, List<ByteBuffer>> blobs = new HashMap<>();
        blobs.put(BLOB_PARAMS, params.encodedViews());
        blobs.put(BLOB_UPDATER, updater.encodedViews());
        blobs.put(BLOB_CURSOR, List.of(ByteBuffer.wrap(cursor.encode())));
        blobs.put(BLOB_CONFIG, List.of(ByteBuffer.wrap(configJson.getBytes(StandardCharsets.UTF_8))));
        return blobs;
    }

    /** Snapshot on this thread (the stall), persist in the background; false if skipped. */
    private boolean checkpoint() {
        long t0 = System.nanoTime();
        CheckpointSnapshot snap = snapshot();
        long stall = System.nanoTime() - t0;
        if (!run.checkpoints().persistAsync(snap)) {
            LOG.info("checkpoint of round {} skipped: the previous persist is still running", cursor.round());
            return false;
        }
        persists.stall(stall);
        observer.checkpointStall(System.currentTimeMillis() - stall / 1_000_000, stall / 1_000_000);
        telemetry.checkpointSnapshot(stall);
        lastCheckpointRound = cursor.round();
        lastCheckpointMillis = System.currentTimeMillis();
        return true;
    }

    void stopWhen(java.util.function.BooleanSupplier condition) {
        this.stopRequested = condition;
    }

    /** Where driver-side round events go (statistics, the wrapper's score, the DL4J UI); null for none. */
    void observe(RoundObserver o) {
        this.observer = o == null ? RoundObserver.NONE : o;
    }

    long committedRound() {
        return cursor.round();
    }

    /** The last round committed in the log (past {@link #committedRound()} while replaying). */
    long lastLoggedRound() {
        return run.nextRound() - 1;
    }

    /** Epochs with at least one committed round. */
    int epochsStarted() {
        return cursor.epoch() + 1;
    }

    /** Epochs whose every round is committed. */
    int completedEpochs() {
        return cursor.epochComplete() ? cursor.epoch() + 1 : cursor.epoch();
    }

    /** SHA-256 of the current parameters. */
    String paramsSha256() {
        return StateDigest.hex(StateDigest.of(params));
    }

    long abortedRounds() {
        return runner.abortedRounds();
    }

    /** Waits until no checkpoint persist is in flight; false on timeout. */
    boolean awaitPersists(long timeout, TimeUnit unit) throws InterruptedException {
        return run.checkpoints().awaitIdle(timeout, unit);
    }

    /**
     * Records that training failed: no further round may run in this driver (a failed commit leaves
     * the log's tail unknown to it) and {@link #close} takes no final checkpoint.
     */
    void failed(Exception e) {
        if (failure == null) {
            failure = e;
        }
    }

    /** @throws IllegalStateException if training failed earlier in this driver */
    void requireUsable() {
        if (failure != null) {
            throw new IllegalStateException("txtrain: training on " + run.root() + " stopped after an error ("
                    + failure + "); a new driver (or a new TransactionalTrainingMaster) resumes from the last"
                    + " committed round", failure);
        }
    }

    /**
     * Takes a final checkpoint of uncheckpointed rounds, waits for persists, releases the directory.
     * If that checkpoint cannot be written it still releases the directory, then throws: nothing
     * committed is lost, but a restart will replay rounds. After a training failure it only
     * releases what it can, and never throws, so that the failure stays the error the caller sees.
     * The directory is released on every path: when the thread is interrupted (the final
     * checkpoint is then skipped, a persist already running is finished, and the interrupt status
     * is restored), after the SparkContext was stopped, and when called again (a no-op).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        String finalCheckpointFailed = null;
        boolean interrupted = false;
        try {
            if (failure == null) {
                finalCheckpointFailed = finalCheckpoint();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            LOG.warn("closing {} was interrupted: no final checkpoint (all {} rounds are committed; a restart replays"
                    + " the rounds after the newest checkpoint); releasing the directory", run.root(), cursor.round());
        } finally {
            interrupted |= Thread.interrupted(); // releasing must not be cut short by the interrupt
            try {
                release();
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        if (finalCheckpointFailed != null) {
            throw new IllegalStateException("txtrain: " + finalCheckpointFailed);
        }
    }

    /** The final checkpoint; a message if it could not be written, else null. */
    private String finalCheckpoint() throws InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("interrupted before the final checkpoint");
        }
        // decided after the last background persist has ended: it may have failed
        if (!(policy instanceof NoCheckpointPolicy) && run.checkpoints().awaitIdle(1, TimeUnit.HOURS)
                && cursor.round() > persists.publishedRound()) {
            if (!run.checkpoints().persistNow(snapshot())) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException("final checkpoint interrupted");
                }
                return "the final checkpoint (round " + cursor.round() + ") of " + run.root()
                        + " could not be written: " + persists.lastFailure() + ". All " + cursor.round()
                        + " rounds are committed; a restart resumes from the newest valid checkpoint and replays"
                        + " the rounds after it";
            }
        }
        return null;
    }

    /** Stops failure tracking, finishes a persist in flight and releases the lease; never throws after a failure. */
    private void release() {
        try {
            failureSubscription.close();
        } catch (Exception e) {
            LOG.warn("closing {}: {}", run.root(), e.toString());
        }
        try {
            run.close();
        } catch (IOException | RuntimeException e) {
            if (failure != null) {
                LOG.warn("closing {} after the error above: {}", run.root(), e.toString());
            } else {
                throw new IllegalStateException("txtrain: closing " + run.root() + " failed: " + e.getMessage(), e);
            }
        } finally {
            destroyBroadcast();
        }
    }

    /** The broadcast is gone with a stopped SparkContext; destroying it then would fail. */
    private void destroyBroadcast() {
        if (sc.sc().isStopped()) {
            return;
        }
        try {
            configJson.destroy(false);
        } catch (RuntimeException e) {
            LOG.debug("could not destroy the configuration broadcast", e);
        }
    }
}
