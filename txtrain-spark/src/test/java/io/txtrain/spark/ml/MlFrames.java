package io.txtrain.spark.ml;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.data.IdxDataset;
import io.txtrain.spark.testing.FashionMnist;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/** SparkSessions and deterministic DataFrames for the ML tests. */
final class MlFrames {
    static final String[] FASHION_CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
        "Sneaker", "Bag", "Ankle boot"};

    private MlFrames() {
    }

    static SparkSession session(String app) {
        return SparkSession.builder().config(SparkTestSupport.baseConf("local[2]", app)).getOrCreate();
    }

    /**
     * Fashion-MNIST images as rows (className string, label double, top and bottom halves of the
     * image as 392-vectors), in file order, in {@code partitions} partitions; cached. Rows are made
     * on the executors from a per-JVM copy of the files (local mode), so tasks stay small.
     */
    static Dataset<Row> fashion(SparkSession spark, String prefix, int limit, int partitions) {
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < images(prefix, limit).size(); i++) {
            indices.add(i);
        }
        StructType schema = new StructType().add("className", DataTypes.StringType)
                .add("label", DataTypes.DoubleType).add("top", SQLDataTypes.VectorType())
                .add("bottom", SQLDataTypes.VectorType());
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(sc.parallelize(indices, partitions).map(i -> fashionRow(prefix, limit, i)), schema)
                .cache();
    }

    private static Row fashionRow(String prefix, int limit, int i) {
        IdxDataset d = images(prefix, limit);
        float[] img = d.image(i);
        int half = img.length / 2;
        double[] top = new double[half];
        double[] bottom = new double[img.length - half];
        for (int j = 0; j < img.length; j++) {
            if (j < half) {
                top[j] = img[j];
            } else {
                bottom[j - half] = img[j];
            }
        }
        return RowFactory.create(FASHION_CLASSES[d.label(i)], (double) d.label(i), Vectors.dense(top),
                Vectors.dense(bottom));
    }

    private static final Map<String, IdxDataset> IMAGES = new ConcurrentHashMap<>();

    private static IdxDataset images(String prefix, int limit) {
        return IMAGES.computeIfAbsent(prefix + ":" + limit, k -> FashionMnist.load(prefix, limit));
    }

    /** {@code frame} with the image halves assembled into a 784-vector column {@code features}; cached. */
    static Dataset<Row> withFeatures(Dataset<Row> frame) {
        return new VectorAssembler().setInputCols(new String[] {"top", "bottom"}).setOutputCol("features")
                .transform(frame).cache();
    }

    /**
     * Examples {@code [from, to)} of {@link TrainingFixtures#blobs} with {@code seed} as rows
     * (features 12-vector, label double 0..2); disjoint ranges of one seed share the class centres.
     */
    static Dataset<Row> blobs(SparkSession spark, int from, int to, long seed, int partitions) {
        List<Row> rows = new ArrayList<>(to - from);
        for (DataSet ds : TrainingFixtures.blobs(to, seed).subList(from, to)) {
            rows.add(RowFactory.create(Vectors.dense(ds.getFeatures().toDoubleVector()),
                    (double) ds.getLabels().argMax(1).getInt(0)));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType())
                .add("label", DataTypes.DoubleType);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        return spark.createDataFrame(sc.parallelize(rows, partitions), schema);
    }
}
