package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.listener.EarlyStoppingListener;
import org.deeplearning4j.earlystopping.saver.LocalFileModelSaver;
import org.deeplearning4j.earlystopping.scorecalc.ScoreCalculator;
import org.deeplearning4j.earlystopping.termination.BestScoreEpochTerminationCondition;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.termination.MaxScoreIterationTerminationCondition;
import org.deeplearning4j.earlystopping.termination.MaxTimeIterationTerminationCondition;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.earlystopping.SparkDataSetLossCalculator;
import org.deeplearning4j.spark.earlystopping.SparkEarlyStoppingTrainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.testing.Poll;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * DL4J's Spark early stopping with txtrain: {@link SparkEarlyStoppingTrainer} and
 * {@link SparkDataSetLossCalculator} as DL4J documents them, terminating by epochs, by score and by
 * time, with the best model saved to disk and restored. After each score, Spark removes the
 * broadcast DL4J made of the network's live parameter array, which closes that array (as Spark's
 * ContextCleaner does when the broadcast is garbage-collected, at a moment no one chooses).
 */
class EarlyStoppingTest {
    static JavaSparkContext sc;
    static JavaRDD<DataSet> train;
    static JavaRDD<DataSet> validation;
    static List<DataSet> held;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 1, "early-stopping");
        List<DataSet> all = TrainingFixtures.blobs(252, 5);
        held = all.subList(192, 252);
        train = sc.parallelize(all.subList(0, 192), 2);
        validation = sc.parallelize(held, 2);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    /** DL4J's loss calculator, recording each epoch's score and parameters. */
    static final class RecordingLoss implements ScoreCalculator<MultiLayerNetwork> {
        private final SparkDataSetLossCalculator dl4j = new SparkDataSetLossCalculator(validation, true, sc.sc());
        final List<String> paramsPerEpoch = new ArrayList<>();
        final List<Double> scores = new ArrayList<>();

        @Override
        public double calculateScore(MultiLayerNetwork network) {
            double score = dl4j.calculateScore(network);
            scores.add(score);
            paramsPerEpoch.add(StateDigest.hex(StateDigest.of(FlatState.of(network.params()).bytes())));
            return score;
        }

        @Override
        public boolean minimizeScore() {
            return true;
        }
    }

    /**
     * After each epoch (score computed, best model saved), Spark removes a broadcast of the live
     * parameter array, as its cleaner does with the one DL4J's loss calculator made: the array is closed.
     */
    static final class BroadcastRemovedAfterEachEpoch implements EarlyStoppingListener<MultiLayerNetwork> {
        int closed;

        @Override
        public void onStart(EarlyStoppingConfiguration<MultiLayerNetwork> esConfig, MultiLayerNetwork net) {
        }

        @Override
        public void onEpoch(int epochNum, double score, EarlyStoppingConfiguration<MultiLayerNetwork> esConfig,
                            MultiLayerNetwork net) {
            INDArray live = net.params();
            Broadcast<INDArray> b = sc.broadcast(live);
            b.destroy(); // asynchronous in Spark 3.5
            try {
                Poll.until("Spark closed the removed broadcast's value", java.time.Duration.ofSeconds(30),
                        live::wasClosed);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            closed++;
        }

        @Override
        public void onCompletion(EarlyStoppingResult<MultiLayerNetwork> esResult) {
        }
    }

    static int closedArrays;

    private static EarlyStoppingResult<MultiLayerNetwork> run(String name, EarlyStoppingConfiguration.Builder<MultiLayerNetwork> es) {
        TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                .averagingFrequency(2).rngSeed(3).checkpointDirectory(tmp.resolve(name).toUri().toString()).build();
        try {
            BroadcastRemovedAfterEachEpoch cleaner = new BroadcastRemovedAfterEachEpoch();
            SparkEarlyStoppingTrainer trainer = new SparkEarlyStoppingTrainer(sc, tm, es.build(),
                    TrainingFixtures.network(8), train, cleaner);
            EarlyStoppingResult<MultiLayerNetwork> r = trainer.fit();
            closedArrays = cleaner.closed;
            return r;
        } finally {
            tm.close();
        }
    }

    @Test
    void stopsAfterMaxEpochsAndRestoresTheBestModelFromDisk() throws Exception {
        RecordingLoss loss = new RecordingLoss();
        Path saved = tmp.resolve("best-model");
        java.nio.file.Files.createDirectories(saved);
        EarlyStoppingResult<MultiLayerNetwork> r = run("epochs", new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
                .epochTerminationConditions(new MaxEpochsTerminationCondition(3)).scoreCalculator(loss)
                .modelSaver(new LocalFileModelSaver(saved.toString())).evaluateEveryNEpochs(1));
        assertEquals(EarlyStoppingResult.TerminationReason.EpochTerminationCondition, r.getTerminationReason(),
                r.getTerminationDetails());
        assertEquals(3, r.getTotalEpochs());
        assertEquals(3, loss.scores.size());
        assertEquals(3, closedArrays, "the network's parameter array was closed after every epoch");
        assertTrue(loss.scores.get(2) < loss.scores.get(0), "training goes on after each score: " + loss.scores);
        int best = r.getBestModelEpoch();
        assertEquals(loss.scores.stream().mapToDouble(Double::doubleValue).min().orElseThrow(), r.getBestModelScore());
        MultiLayerNetwork restored = r.getBestModel(); // read back from best-model/bestModel.bin
        assertEquals(loss.paramsPerEpoch.get(best),
                StateDigest.hex(StateDigest.of(FlatState.of(restored.params()).bytes())), "best epoch " + best);
        assertTrue(TrainingFixtures.accuracy(restored, held) > 0.8);
    }

    @Test
    void stopsByScore() {
        EarlyStoppingResult<MultiLayerNetwork> byEpochScore = run("score", new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
                .epochTerminationConditions(new BestScoreEpochTerminationCondition(10.0), new MaxEpochsTerminationCondition(5))
                .scoreCalculator(new RecordingLoss()));
        assertEquals(1, byEpochScore.getTotalEpochs(), byEpochScore.getTerminationDetails());
        assertTrue(byEpochScore.getTerminationDetails().contains("BestScore"), byEpochScore.getTerminationDetails());

        // the iteration condition reads the Spark wrapper's score after each fit
        EarlyStoppingResult<MultiLayerNetwork> byRoundScore = run("max-score", new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
                .iterationTerminationConditions(new MaxScoreIterationTerminationCondition(1e-6))
                .epochTerminationConditions(new MaxEpochsTerminationCondition(3))
                .scoreCalculator(new RecordingLoss()));
        assertEquals(EarlyStoppingResult.TerminationReason.IterationTerminationCondition,
                byRoundScore.getTerminationReason(), byRoundScore.getTerminationDetails());
        assertTrue(byRoundScore.getTerminationDetails().contains("MaxScore"), byRoundScore.getTerminationDetails());
    }

    @Test
    void stopsByTime() {
        EarlyStoppingResult<MultiLayerNetwork> r = run("time", new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
                .iterationTerminationConditions(new MaxTimeIterationTerminationCondition(1, TimeUnit.MILLISECONDS))
                .epochTerminationConditions(new MaxEpochsTerminationCondition(20))
                .scoreCalculator(new RecordingLoss()));
        assertEquals(EarlyStoppingResult.TerminationReason.IterationTerminationCondition, r.getTerminationReason());
        assertTrue(r.getTerminationDetails().contains("MaxTime"), r.getTerminationDetails());
        assertTrue(r.getTotalEpochs() <= 1, "stopped after the first fit: " + r.getTotalEpochs());
    }
}
