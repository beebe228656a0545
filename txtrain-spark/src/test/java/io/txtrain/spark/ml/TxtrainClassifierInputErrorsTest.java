package io.txtrain.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;

import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.spark.testing.TrainingFixtures;

/**
 * Each kind of bad input fails with an error that names the column and the offending value or
 * sizes: missing columns, wrong column types, labels outside the network's classes, feature vectors
 * of the wrong size, existing output columns, an unusable network or configuration.
 */
class TxtrainClassifierInputErrorsTest {
    static SparkSession spark;
    static Dataset<Row> blobs;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        spark = MlFrames.session("ml-errors");
        blobs = MlFrames.blobs(spark, 0, 60, 7, 2).cache();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    static TxtrainClassifier classifier() {
        return new TxtrainClassifier().setNetwork(TrainingFixtures.mlp(8)).setNumWorkers(2).setBatchSizePerWorker(8)
                .setCheckpointDir(tmp.resolve("ckpt").toString());
    }

    /** The rows in one partition, in order. */
    static Dataset<Row> frame(StructType schema, Row... rows) {
        return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext())
                .parallelize(Arrays.asList(rows), 1), schema);
    }

    static String fails(Executable e, String... fragments) {
        InvalidInputException ex = assertThrows(InvalidInputException.class, e);
        for (String f : fragments) {
            assertTrue(ex.getMessage().contains(f), "'" + f + "' not in: " + ex.getMessage());
        }
        return ex.getMessage();
    }

    @Test
    void missingColumns() {
        fails(() -> classifier().setFeaturesCol("pixels").fit(blobs), "features column 'pixels' does not exist",
                "[features, label]");
        fails(() -> classifier().setLabelCol("y").fit(blobs), "label column 'y' does not exist");
        fails(() -> new TxtrainClassificationModel(TrainingFixtures.network(8)).transform(blobs.drop("features")),
                "features column 'features' does not exist");
    }

    @Test
    void wrongColumnTypes() {
        Dataset<Row> stringFeatures = blobs.withColumn("features", functions.lit("x"));
        fails(() -> classifier().fit(stringFeatures), "features column 'features' has type string",
                "expected an ml Vector");
        Dataset<Row> stringLabels = blobs.withColumn("label", functions.col("label").cast("string"));
        fails(() -> classifier().fit(stringLabels), "label column 'label' has type string", "numeric",
                "StringIndexer");
        Dataset<Row> intArrays = blobs.withColumn("features", functions.array(functions.lit(1), functions.lit(2)));
        fails(() -> classifier().fit(intArrays), "has type array<int>", "array<double> or array<float>");
    }

    @Test
    void labelsOutsideTheNetworksClassesNameTheValue() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
                .add("label", DataTypes.DoubleType);
        Row ok = RowFactory.create(Vectors.dense(new double[12]), 1.0);
        fails(() -> classifier().fit(frame(schema, ok, ok, RowFactory.create(Vectors.dense(new double[12]), 3.0))),
                "label 3.0 in column 'label'", "row 2 of partition 0", "network's 3 outputs",
                "expected an integer class index 0..2");
        fails(() -> classifier().fit(frame(schema, ok, RowFactory.create(Vectors.dense(new double[12]), 1.5))),
                "label 1.5 in column 'label'");
        fails(() -> classifier().fit(frame(schema, ok, RowFactory.create(Vectors.dense(new double[12]), -1.0))),
                "label -1.0 in column 'label'");
        fails(() -> classifier().fit(frame(schema, RowFactory.create(Vectors.dense(new double[12]), null))),
                "label column 'label' is null in row 0 of partition 0");
        StructType ints = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.IntegerType);
        fails(() -> classifier().fit(frame(ints, RowFactory.create(Vectors.dense(new double[12]), 7))),
                "label 7 in column 'label'");
    }

    @Test
    void featureSizesOtherThanTheNetworksInputNameBothSizes() {
        // vectors without size metadata: found while converting
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
                .add("label", DataTypes.DoubleType);
        fails(() -> classifier().fit(frame(schema, RowFactory.create(Vectors.dense(new double[11]), 0.0))),
                "features column 'features' has vectors of size 11 but the network's input size is 12",
                "row 0 of partition 0");
        // arrays
        StructType arrays = new StructType().add("f", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.DoubleType);
        fails(() -> classifier().setFeaturesCol("f").fit(frame(arrays, RowFactory.create(new float[13], 0.0))),
                "has vectors of size 13 but the network's input size is 12");
        // VectorAssembler's metadata gives the size: fails before any job, in transformSchema
        Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"features", "label"})
                .setOutputCol("assembled").transform(blobs);
        fails(() -> classifier().setFeaturesCol("assembled").transformSchema(assembled.schema()),
                "has vectors of size 13 but the network's input size is 12 (from the column's metadata)");
        // transform: a wrong-size row fails the job that computes the result, with the cause
        TxtrainClassificationModel model = new TxtrainClassificationModel(TrainingFixtures.network(8));
        Dataset<Row> shortRows = frame(schema, RowFactory.create(Vectors.dense(new double[11]), 0.0));
        SparkException job = assertThrows(SparkException.class, () -> model.transform(shortRows).collectAsList());
        Throwable cause = job;
        while (cause != null && !(cause instanceof InvalidInputException)) {
            cause = cause.getCause();
        }
        assertTrue(cause != null && cause.getMessage().contains("size 11 but the network's input size is 12"),
                "cause: " + job);
        // null features
        fails(() -> classifier().fit(frame(schema, RowFactory.create(null, 0.0))),
                "features column 'features' is null in row 0 of partition 0");
    }

    @Test
    void outputColumnsThatExistAndUnusableConfigurations() {
        MultiLayerNetwork net = TrainingFixtures.network(8);
        Dataset<Row> withPrediction = blobs.withColumn("prediction", functions.lit(0.0));
        fails(() -> new TxtrainClassificationModel(net).transform(withPrediction),
                "prediction column 'prediction' already exists");
        fails(() -> new TxtrainClassificationModel(net).setPredictionCol("p").setProbabilityCol("label")
                .transformSchema(blobs.schema()), "probability column 'label' already exists");
        fails(() -> new TxtrainClassifier().fit(blobs), "networkConfig is not set", "setNetwork");
        fails(() -> new TxtrainClassifier().setNetworkConfig("{not json").fit(blobs),
                "networkConfig is not a DL4J MultiLayerConfiguration");
        IllegalArgumentException noDir = assertThrows(IllegalArgumentException.class,
                () -> new TxtrainClassifier().setNetwork(TrainingFixtures.mlp(8)).fit(blobs));
        assertTrue(noDir.getMessage().contains("checkpointDir is not set"), noDir.getMessage());
        IllegalArgumentException badOption = assertThrows(IllegalArgumentException.class,
                () -> classifier().setTxtrainOption("spark.txtrain.checkpoint.retain", "zero").fit(blobs));
        assertTrue(badOption.getMessage().contains("spark.txtrain.checkpoint.retain = 'zero'"), badOption.getMessage());
        IllegalArgumentException badParam = assertThrows(IllegalArgumentException.class,
                () -> classifier().setEpochs(0));
        assertTrue(badParam.getMessage().contains("epochs"), badParam.getMessage());
        assertEquals(0, tmp.resolve("ckpt").toFile().exists() ? tmp.resolve("ckpt").toFile().list().length : 0,
                "no run directory was created by a failed fit");
    }
}
