package io.txtrain.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.spark.testing.FashionMnist;

/**
 * A Pipeline on Fashion-MNIST (2,000 training images, the 1,000 shipped test images):
 * StringIndexer over class names, VectorAssembler over two half-image vector columns, then
 * TxtrainClassifier (MLP 784-64-10, 2 epochs, 2 workers, batch 32, averaging frequency 5).
 * Held-out accuracy from MulticlassClassificationEvaluator; saved and reloaded models (pipeline and
 * stage) predict identically; array features predict as vectors do; fitting again with the same
 * checkpoint directory returns the same model without training.
 */
class TxtrainClassifierPipelineTest {
    /**
     * Measured 0.732 (training is deterministic on one ND4J backend); the margin allows for other
     * CPUs and ND4J builds, whose floating-point results differ slightly.
     */
    static final double MIN_ACCURACY = 0.68;

    static SparkSession spark;
    static Dataset<Row> train;
    static Dataset<Row> test;
    static String checkpointDir;
    static PipelineModel model;
    static TxtrainClassificationModel stage;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void fit() {
        spark = MlFrames.session("ml-pipeline");
        train = MlFrames.fashion(spark, "train", 2000, 4);
        test = MlFrames.fashion(spark, "t10k", 0, 2);
        checkpointDir = tmp.resolve("checkpoints").toUri().toString();
        long t0 = System.nanoTime();
        model = pipeline(checkpointDir).fit(train);
        System.out.printf("pipeline: fit took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        stage = (TxtrainClassificationModel) model.stages()[2];
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static Pipeline pipeline(String checkpointDir) {
        StringIndexer indexer = new StringIndexer().setInputCol("className").setOutputCol("classIndex")
                .setStringOrderType("alphabetAsc");
        VectorAssembler assembler = new VectorAssembler().setInputCols(new String[] {"top", "bottom"})
                .setOutputCol("pixels");
        TxtrainClassifier classifier = new TxtrainClassifier().setNetwork(FashionMnist.mlp(64))
                .setFeaturesCol("pixels").setLabelCol("classIndex").setEpochs(2).setBatchSizePerWorker(32)
                .setAveragingFrequency(5).setNumWorkers(2).setSeed(7).setCheckpointDir(checkpointDir);
        return new Pipeline().setStages(new PipelineStage[] {indexer, assembler, classifier});
    }

    @Test
    void heldOutAccuracyFromTheEvaluator() {
        assertEquals(10, stage.numClasses());
        assertEquals(784, stage.numFeatures());
        Dataset<Row> scored = model.transform(test);
        double accuracy = new MulticlassClassificationEvaluator().setLabelCol("classIndex")
                .setPredictionCol("prediction").setMetricName("accuracy").evaluate(scored);
        System.out.printf("pipeline: held-out accuracy %.4f on %d images%n", accuracy, test.count());
        assertTrue(accuracy > MIN_ACCURACY, "accuracy " + accuracy);
        Vector p = scored.select("probability").first().getAs(0);
        assertEquals(10, p.size());
        assertEquals(1.0, sum(p.toArray()), 1e-4, "softmax outputs sum to 1");
    }

    @Test
    void savedAndLoadedPipelinePredictsIdentically() throws Exception {
        String path = tmp.resolve("saved-pipeline").toString();
        model.write().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        TxtrainClassificationModel loadedStage = assertInstanceOf(TxtrainClassificationModel.class,
                loaded.stages()[2]);
        assertEquals(stage.uid(), loadedStage.uid());
        assertEquals("pixels", loadedStage.getFeaturesCol());
        assertEquals(stage.parametersSha256(), loadedStage.parametersSha256());
        List<Row> expected = predictions(model);
        List<Row> actual = predictions(loaded);
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).getDouble(0), actual.get(i).getDouble(0), "prediction of row " + i);
            assertArrayEquals(((Vector) expected.get(i).get(1)).toArray(), ((Vector) actual.get(i).get(1)).toArray(),
                    "probabilities of row " + i);
        }
    }

    @Test
    void savedAndLoadedModelPredictsIdenticallyAlsoFromArrayColumns() throws Exception {
        Dataset<Row> assembled = MlFrames.withFeatures(test);
        TxtrainClassificationModel onFeatures = stage.copy(new ParamMap()).setFeaturesCol("features")
                .setProbabilityCol("");
        Dataset<Row> scored = onFeatures.transform(assembled);
        assertEquals(List.of("className", "label", "top", "bottom", "features", "prediction"),
                List.of(scored.columns()));
        List<Row> expected = scored.select("prediction").collectAsList();

        String path = tmp.resolve("saved-model").toString();
        onFeatures.write().save(path);
        TxtrainClassificationModel loaded = TxtrainClassificationModel.load(path);
        assertEquals(stage.parametersSha256(), loaded.parametersSha256());
        assertEquals("", loaded.getProbabilityCol());
        assertEquals(expected, loaded.transform(assembled).select("prediction").collectAsList());

        Dataset<Row> arrays = assembled
                .withColumn("floats", org.apache.spark.ml.functions.vector_to_array(functions.col("features"), "float32"))
                .withColumn("doubles", org.apache.spark.ml.functions.vector_to_array(functions.col("features"),
                        "float64"));
        assertEquals(expected, loaded.copy(new ParamMap()).setFeaturesCol("floats").transform(arrays)
                .select("prediction").collectAsList());
        assertEquals(expected, loaded.copy(new ParamMap()).setFeaturesCol("doubles").transform(arrays)
                .select("prediction").collectAsList());
    }

    @Test
    void savedAndLoadedEstimatorKeepsItsParams() throws Exception {
        TxtrainClassifier estimator = (TxtrainClassifier) pipeline(checkpointDir).getStages()[2];
        estimator.setTxtrainOption("spark.txtrain.checkpoint.retain", "1").setProbabilityCol("");
        String path = tmp.resolve("saved-estimator").toString();
        estimator.write().save(path);
        TxtrainClassifier loaded = TxtrainClassifier.load(path);
        assertEquals(estimator.uid(), loaded.uid());
        assertEquals(estimator.getNetworkConfig(), loaded.getNetworkConfig());
        assertEquals(Map.of("spark.txtrain.checkpoint.retain", "1"), loaded.getTxtrainOptions());
        assertEquals(2, loaded.getNumWorkers());
        assertEquals(7L, loaded.getSeed());
        assertEquals(checkpointDir, loaded.getCheckpointDir());
        assertEquals("", loaded.getProbabilityCol());
        assertEquals(estimator.extractParamMap().toString(), loaded.extractParamMap().toString());
    }

    @Test
    void fittingAgainWithTheSameCheckpointDirectoryReturnsTheFinishedModel() {
        long t0 = System.nanoTime();
        PipelineModel again = pipeline(checkpointDir).fit(train);
        System.out.printf("pipeline: re-run with the same checkpoint directory took %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        TxtrainClassificationModel againStage = (TxtrainClassificationModel) again.stages()[2];
        assertEquals(stage.parametersSha256(), againStage.parametersSha256());
        assertEquals(stage.runDirectory(), againStage.runDirectory());
    }

    static List<Row> predictions(PipelineModel m) {
        return m.transform(test).select("prediction", "probability").collectAsList();
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
