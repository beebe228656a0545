package io.txtrain.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.tuning.TrainValidationSplit;
import org.apache.spark.ml.tuning.TrainValidationSplitModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.spark.testing.TrainingFixtures;

/**
 * TrainValidationSplit over a grid of epochs: each fit (one per grid point, then the refit on all
 * data) gets its own run directory under the one checkpoint directory; the best model classifies
 * held-out data; model.copy(ParamMap) applies the extra params and keeps the network.
 */
class TxtrainClassifierTuningTest {
    static SparkSession spark;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = MlFrames.session("ml-tuning");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void trainValidationSplitFitsEachGridPointInItsOwnRunAndCopyAppliesParams() {
        Dataset<Row> data = MlFrames.blobs(spark, 0, 240, 7, 2).cache();
        Dataset<Row> heldOut = MlFrames.blobs(spark, 240, 540, 7, 2).cache();
        File root = tmp.resolve("tuning").toFile();
        TxtrainClassifier classifier = new TxtrainClassifier().setNetwork(TrainingFixtures.mlp(16)).setNumWorkers(2)
                .setBatchSizePerWorker(8).setAveragingFrequency(2).setSeed(3).setCheckpointDir(root.toString());
        ParamMap[] grid = new ParamGridBuilder().addGrid(classifier.epochs(), new int[] {1, 2}).build();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        TrainValidationSplitModel tuned = new TrainValidationSplit().setEstimator(classifier)
                .setEstimatorParamMaps(grid).setEvaluator(accuracy).setTrainRatio(0.75).setSeed(11).fit(data);

        TxtrainClassificationModel best = assertInstanceOf(TxtrainClassificationModel.class, tuned.bestModel());
        double heldOutAccuracy = accuracy.evaluate(best.transform(heldOut));
        System.out.printf("tuning: validation metrics %s, held-out accuracy %.4f%n",
                Arrays.toString(tuned.validationMetrics()), heldOutAccuracy);
        assertTrue(heldOutAccuracy > 0.9, "held-out accuracy " + heldOutAccuracy);
        String[] runs = root.list((d, n) -> n.startsWith("run-"));
        assertEquals(3, runs.length, "one run per grid point plus the refit: " + Arrays.toString(runs));

        TxtrainClassificationModel copy = best.copy(new ParamMap().put(best.predictionCol(), "p2"));
        assertEquals("p2", copy.getPredictionCol());
        assertEquals("prediction", best.getPredictionCol(), "the original keeps its params");
        assertEquals(best.parametersSha256(), copy.parametersSha256());
        assertEquals(best.parent(), copy.parent());
        assertEquals(best.transform(heldOut).select("prediction").collectAsList(),
                copy.transform(heldOut).select("p2").collectAsList());
        assertNotEquals(best.uid(), new TxtrainClassifier().uid());
    }
}
