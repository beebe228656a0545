package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.log.LineageChange;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.policy.CheckpointPolicy;
import io.txtrain.core.policy.Decision;
import io.txtrain.core.policy.NoCheckpointPolicy;
import io.txtrain.core.policy.PolicyInput;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
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
    private RoundTrainingStats stats;
    private java.util.function.BooleanSupplier stopRequested = () -> false;
    private FlatState params;
    private FlatState updater;
    /** Checksum of (params, updater) as committed in the log; null when it must be computed. */
    private byte[] stateChecksum;
    private Exception failure;
    private TrainingCursor cursor;
    private long lastCheckpointRound;
    private long lastCheckpointMillis = System.currentTimeMillis();

    private TrainingRun(JavaSparkContext sc, ModelAdapter model, AveragingSettings averaging, TxtrainSettings settings,
                        OpenRun run, Collection<TrainingListener> listeners, String initialConfig,
                        TrainingTelemetry telemetry, PersistOutcomes persists) {
        this.sc = sc;
        this.model = model;
        this.averaging = averaging;
        this.settings = settings;
        this.run = run;
        this.listeners = listeners;
        this.runner = new RoundRunner(sc, settings.maxAttempts(), settings.executorWait(),
                FaultInjection.parse(settings.get(TxtrainSettings.FAIL_TASKS)), telemetry::roundAborted,
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
        OpenRun run = RecoveryDirectory.open(dir, sc.hadoopConfiguration(), settings.core(), identity,
                VERSIONED_IDENTITY, app, persists);
        try {
            TrainingRun t = new TrainingRun(sc, model, averaging, settings, run, listeners, config, telemetry, persists);
            t.restore(run.plan());
            return t;
        } catch (RuntimeException | IOException e) {
            run.close();
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
            model.setCounters(cursor.iteration(), Math.max(0, cursor.epoch()));
            lastCheckpointRound = cursor.round();
            persists.restored(cursor.round());
            LOG.info("restored round {} (epoch {}, split {}/{}) from {}; {} committed round(s) to replay",
                    cursor.round(), cursor.epoch(), cursor.split() + 1, cursor.splitCount(),
                    plan.start().ref().path(), toReplay.size());
        } else {
            params = model.params();
            updater = model.updaterState();
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
        if (cursor.covers(epoch)) {
            LOG.info("epoch {} already committed (state is at round {}, epoch {}); skipped", epoch, cursor.round(),
                    cursor.epoch());
            model.setCounters(cursor.iteration(), epoch);
            return;
        }
        int startSplit;
        if (cursor.epoch() == epoch) {
            startSplit = cursor.split() + 1;
        } else if (cursor.epoch() == epoch - 1 && cursor.epochComplete()) {
            startSplit = 0;
        } else {
            throw new IllegalStateException("the checkpoint directory is at epoch " + cursor.epoch() + ", split "
                    + (cursor.split() + 1) + "/" + cursor.splitCount() + ", but this is fit call " + epoch
                    + "; call fit once per epoch, in the same order as the run that wrote the directory");
        }
        try (EpochData<P> laid = EpochData.layOut(input, averaging.workers(), averaging.objectsPerWorker(),
                averaging.rngSeed(), epoch, averaging.storageLevel())) {
            int splits = laid.schedule().splitCount();
            if (cursor.epoch() == epoch && cursor.splitCount() != splits) {
                throw new IllegalStateException("epoch " + epoch + " had " + cursor.splitCount()
                        + " rounds when it was started and now has " + splits + "; the data or settings changed");
            }
            for (int split = startSplit; split < splits; split++) {
                if (!awaitingImage && stopRequested.getAsBoolean()) {
                    throw new TrainingStoppedException(cursor.round());
                }
                round(laid, epoch, split, fitter);
                if (split == startSplit) {
                    laid.releaseInput();
                }
            }
        }
        for (TrainingListener l : listeners) {
            l.onEpochEnd(model.model());
        }
    }

    private <P extends java.io.Serializable> void round(EpochData<P> data, int epoch, int split,
                                                        ObjectFitter<?, P> fitter) throws IOException {
        long round = cursor.round() + 1;
        RoundRecord logged = toReplay.get(round);
        if (logged != null && RoundRecord.REDO_PHYSICAL.equals(logged.attributes().get(RoundRecord.REDO))) {
            redoPhysically(toReplay.remove(round), epoch, split, data.schedule().splitCount());
            return;
        }
        model.setCounters(cursor.iteration(), epoch);
        String lr = model.learningRate();
        RoundInput input = new RoundInput(params, updater, cursor.iteration(), epoch, round, averaging.rngSeed());
        long t0 = System.nanoTime();
        persists.feed(policy);
        List<RoundResult> results = runner.run(data, split, input, configJson, configKey, model.kind(), fitter,
                averaging.objectsPerMinibatch());
        List<FlatState> ps = new ArrayList<>();
        List<FlatState> us = new ArrayList<>();
        long[] seeds = new long[results.size()];
        long examples = 0;
        int minibatches = 0;
        double score = 0;
        long dataHash = 0;
        for (RoundResult r : results) { // partition order
            seeds[r.partition] = r.seed;
            dataHash = ObjectFitter.combine(dataHash, r.dataHash);
            if (r.examples == 0) {
                continue;
            }
            ps.add(r.params);
            us.add(r.updater);
            examples += r.examples;
            minibatches = Math.max(minibatches, r.minibatches);
            score += r.score;
        }
        if (ps.isEmpty()) {
            throw new IllegalStateException("round " + round + " had no data on any worker");
        }
        FlatState newParams = FlatState.mean(ps);
        FlatState newUpdater = averaging.saveUpdater() ? FlatState.mean(us) : updater;
        byte[] checksum = StateDigest.of(newParams, newUpdater);
        RoundRecord committed = toReplay.remove(round);
        long t1 = System.nanoTime();
        byte[] image = committed == null && physicalRedo.wanted((long) newParams.bytes().length
                + newUpdater.bytes().length) ? PhysicalRedo.encode(newParams, newUpdater) : null;
        Map<String, String> attributes = new HashMap<>(Map.of("workers", Integer.toString(results.size()),
                "minibatches", Integer.toString(minibatches), RoundRecord.ENVIRONMENT,
                EnvironmentFingerprint.combine(results.stream().map(r -> r.environment).toList())));
        if (image != null) {
            attributes.put(RoundRecord.REDO, RoundRecord.REDO_PHYSICAL);
        }
        RoundRecord record = new RoundRecord(round, epoch, split, data.schedule().splitCount(), seeds,
                Map.of("learningRate", lr, "iteration", Integer.toString(cursor.iteration())),
                String.format("%016x", dataHash), examples, score / ps.size(), checksum, System.currentTimeMillis(),
                attributes);
        if (committed != null) {
            LineageChange change = replayVerifier.check(committed, record, run.writerEpoch());
            if (change != null) {
                run.recordLineage(change); // durable before the new state is used or checkpointed
            }
        } else {
            run.commit(record, image);
        }
        long t2 = System.nanoTime();
        if (image != null) {
            physicalRedo.measured(t2 - t1, t2 - t0);
        }
        params = newParams;
        updater = newUpdater;
        stateChecksum = checksum;
        model.setParams(params);
        model.setUpdaterState(updater);
        cursor = cursor.next(epoch, split, data.schedule().splitCount(), minibatches);
        model.setCounters(cursor.iteration(), epoch);
        model.setScore(record.score());
        LOG.info("{} round {} (epoch {}, split {}/{}): score {}, {} examples, state {} (stage {} ms, commit {} ms)",
                committed != null ? "replayed" : "committed", round, epoch, split + 1, data.schedule().splitCount(),
                String.format("%.5f", record.score()), examples, record.stateChecksumHex().substring(0, 12),
                (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        if (committed == null) {
            telemetry.roundCommitted(round, t2 - t1, t2 - t0);
        }
        if (stats != null) {
            long now = System.currentTimeMillis();
            stats.add(RoundTrainingStats.STAGE, now - (t2 - t0) / 1_000_000, (t1 - t0) / 1_000_000);
            stats.add(RoundTrainingStats.COMMIT, now - (t2 - t1) / 1_000_000, (t2 - t1) / 1_000_000);
            for (RoundResult r : results) {
                if (r.examples > 0) {
                    stats.add(RoundTrainingStats.WORKER_FIT, r.fitStartMillis, r.fitMillis);
                }
            }
        }
        for (TrainingListener l : listeners) {
            l.iterationDone(model.model(), cursor.iteration(), epoch);
        }
        maybeCheckpoint((t2 - t0) / 1e9, split == data.schedule().splitCount() - 1);
    }

    private void maybeCheckpoint(double roundSeconds, boolean epochBoundary) {
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
        checkpoint();
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
        cursor = cursor.next(epoch, split, splits, Integer.parseInt(rec.attributes().getOrDefault("minibatches", "0")));
        model.setCounters(cursor.iteration(), epoch);
        model.setScore(rec.score());
        LOG.info("replayed round {} (epoch {}, split {}/{}) from the log's physical redo image{}", rec.round(),
                epoch, split + 1, splits, awaitingImage ? " (superseded by a later round's)" : ", state "
                        + rec.stateChecksumHex().substring(0, 12));
        for (TrainingListener l : listeners) {
            l.iterationDone(model.model(), cursor.iteration(), epoch);
        }
        if (!awaitingImage) {
            maybeCheckpoint(0, split == splits - 1);
        }
    }

    /** The checkpoint of the committed state: one copy of it, taken on this thread. */
    private CheckpointSnapshot snapshot() {
        byte[] digest = stateChecksum != null ? stateChecksum : StateDigest.of(params, updater);
        return run.handOver(cursor.round(), digest, blobs(params, updater, cursor, configJson.value()));
    }

    /** Fresh arrays holding a checkpoint's blobs. */
    static Map<String, byte[]> blobs(FlatState params, FlatState updater, TrainingCursor cursor, String configJson) {
        Map<String, byte[]> blobs = new HashMap<>();
        blobs.put(BLOB_PARAMS, params.encode());
        blobs.put(BLOB_UPDATER, updater.encode());
        blobs.put(BLOB_CURSOR, cursor.encode());
        blobs.put(BLOB_CONFIG, configJson.getBytes(StandardCharsets.UTF_8));
        return blobs;
    }

    /** Snapshot on this thread (the stall), persist in the background. */
    private void checkpoint() {
        long t0 = System.nanoTime();
        CheckpointSnapshot snap = snapshot();
        long stall = System.nanoTime() - t0;
        if (!run.checkpoints().persistAsync(snap)) {
            LOG.info("checkpoint of round {} skipped: the previous persist is still running", cursor.round());
            return;
        }
        persists.stall(stall);
        if (stats != null) {
            stats.add(RoundTrainingStats.SNAPSHOT, System.currentTimeMillis() - stall / 1_000_000, stall / 1_000_000);
        }
        telemetry.checkpointSnapshot(stall);
        lastCheckpointRound = cursor.round();
        lastCheckpointMillis = System.currentTimeMillis();
    }

    void stopWhen(java.util.function.BooleanSupplier condition) {
        this.stopRequested = condition;
    }

    /** Starts (or stops, with null) collecting DL4J training statistics. */
    void collectStats(RoundTrainingStats s) {
        this.stats = s;
    }

    long committedRound() {
        return cursor.round();
    }

    /** SHA-256 of the current parameters. */
    String paramsSha256() {
        return StateDigest.hex(StateDigest.of(params.bytes()));
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
     */
    @Override
    public void close() {
        if (failure != null) {
            try {
                failureSubscription.close();
                run.close();
            } catch (Exception e) {
                LOG.warn("closing {} after the error above: {}", run.root(), e.toString());
            } finally {
                configJson.destroy(false);
            }
            return;
        }
        String finalCheckpointFailed = null;
        try {
            // decided after the last background persist has ended: it may have failed
            if (!(policy instanceof NoCheckpointPolicy) && run.checkpoints().awaitIdle(1, TimeUnit.HOURS)
                    && cursor.round() > persists.publishedRound()) {
                if (!run.checkpoints().persistNow(snapshot())) {
                    finalCheckpointFailed = "the final checkpoint (round " + cursor.round() + ") of " + run.root()
                            + " could not be written: " + persists.lastFailure() + ". All " + cursor.round()
                            + " rounds are committed; a restart resumes from the newest valid checkpoint and replays"
                            + " the rounds after it";
                }
            }
            failureSubscription.close();
            run.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("txtrain: closing " + run.root() + " failed: " + e.getMessage(), e);
        } finally {
            configJson.destroy(false);
        }
        if (finalCheckpointFailed != null) {
            throw new IllegalStateException("txtrain: " + finalCheckpointFailed);
        }
    }
}
