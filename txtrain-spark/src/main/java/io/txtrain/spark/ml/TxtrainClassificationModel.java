package io.txtrain.spark.ml;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

import io.txtrain.spark.dl4j.FlatState;

/**
 * A DL4J network trained by {@link TxtrainClassifier}, as a Spark ML {@code Transformer}: appends
 * the predicted class index ({@code predictionCol}, double) and the network's outputs
 * ({@code probabilityCol}, ml Vector; left out when the name is empty) to each row.
 *
 * <p>{@code transform} is lazy and runs per partition: the network is broadcast once per model (its
 * {@code ModelSerializer} bytes) and rebuilt at most once per concurrently running task per
 * executor JVM; rows go through it in batches. Rows and their order are kept. The model is
 * immutable; {@link #copy} shares the network and copies the params, so {@code CrossValidator}
 * and {@code TrainValidationSplit} can use it.
 *
 * <p>Failures: {@code transformSchema}/{@code transform} throw {@link InvalidInputException} for a
 * missing or wrongly typed features column, an existing output column, or (from the column's ML
 * metadata) a vector size that is not the network's input size. A row whose features are null or
 * of the wrong size fails the Spark job computing the result, with an {@code InvalidInputException}
 * naming the row as its cause.
 *
 * <p>Persistence: {@code write().save(path)} stores Spark ML metadata (params) and the network
 * ({@code data/network.zip}, DL4J's {@code ModelSerializer} format) under any Hadoop path;
 * {@link #load} reads it back, also as a stage of a saved {@code PipelineModel}.
 */
public final class TxtrainClassificationModel extends Model<TxtrainClassificationModel>
        implements OutputColumnParams, MLWritable {
    private static final long serialVersionUID = 1L;
    static final int INFERENCE_BATCH = 256;

    private final String uid;
    private final MultiLayerNetwork network;
    private final NetworkShape shape;
    private final String runDirectory;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private transient BroadcastNetwork broadcast;
    private transient SparkContext broadcastContext;

    TxtrainClassificationModel(String uid, MultiLayerNetwork network, String runDirectory) {
        this.uid = uid;
        this.network = network;
        this.shape = NetworkShape.of(network.getLayerWiseConfigurations());
        this.runDirectory = runDirectory;
        this.featuresCol = OutputSchema.featuresParam(this);
        this.predictionCol = OutputSchema.predictionParam(this);
        this.probabilityCol = OutputSchema.probabilityParam(this);
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
    }

    /**
     * A model around a copy of an already trained network (e.g. one trained with DL4J directly);
     * its configuration must be a classifier's (see {@link TxtrainClassifier}).
     */
    public TxtrainClassificationModel(MultiLayerNetwork network) {
        this(Identifiable$.MODULE$.randomUID("txtrainClassificationModel"), network.clone(), null);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public Param<String> featuresCol() {
        return featuresCol;
    }

    @Override
    public Param<String> predictionCol() {
        return predictionCol;
    }

    @Override
    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public TxtrainClassificationModel setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public TxtrainClassificationModel setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /** Empty for no probability column. */
    public TxtrainClassificationModel setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    public int numClasses() {
        return shape.numClasses();
    }

    /** Feature vector size the network takes, or -1 if its first layer does not say. */
    public long numFeatures() {
        return shape.inputSize();
    }

    /** A copy of the trained network, for use with DL4J directly. */
    public MultiLayerNetwork network() {
        return network.clone();
    }

    /**
     * SHA-256 (hex) of the network's parameters as float32 bytes, the same digest as
     * {@code TransactionalTrainingMaster.parametersSha256()} of the run that trained it: equal
     * digests mean bit-identical models.
     */
    public String parametersSha256() {
        try {
            byte[] bytes = FlatState.of(network.params()).bytes();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The checkpoint run directory this model was trained in; empty for a loaded or wrapped model. */
    public Optional<String> runDirectory() {
        return Optional.ofNullable(runDirectory);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        return OutputSchema.append(this, schema, shape);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        FeatureColumn features = new FeatureColumn(getFeaturesCol(), shape);
        int featureIndex = dataset.schema().fieldIndex(getFeaturesCol());
        PartitionPredictor predictor = new PartitionPredictor(broadcast(dataset.sparkSession().sparkContext()),
                features, featureIndex, !getProbabilityCol().isEmpty(), INFERENCE_BATCH);
        return dataset.toDF().mapPartitions(predictor, Encoders.row(out));
    }

    /** The network's broadcast for {@code sc}, made on first use (again if the SparkContext changed). */
    private synchronized BroadcastNetwork broadcast(SparkContext sc) {
        if (broadcast == null || broadcastContext != sc || sc.isStopped()) {
            byte[] bytes = serialize();
            broadcast = new BroadcastNetwork(UUID.randomUUID().toString(),
                    JavaSparkContext.fromSparkContext(sc).broadcast(bytes));
            broadcastContext = sc;
        }
        return broadcast;
    }

    /** The network in DL4J's {@code ModelSerializer} format (without updater state). */
    synchronized byte[] serialize() {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ModelSerializer.writeModel(network, out, false);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("could not serialize the network: " + e.getMessage(), e);
        }
    }

    @Override
    public TxtrainClassificationModel copy(ParamMap extra) {
        TxtrainClassificationModel copy = new TxtrainClassificationModel(uid, network, runDirectory);
        copyValues(copy, extra);
        return copy.setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new ClassificationModelWriter(this);
    }

    public static MLReader<TxtrainClassificationModel> read() {
        return new ClassificationModelReader();
    }

    public static TxtrainClassificationModel load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "TxtrainClassificationModel: uid=" + uid + ", numClasses=" + numClasses() + ", numFeatures="
                + numFeatures();
    }
}
