package io.txtrain.spark.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;

/**
 * A Spark ML {@code Estimator} that trains a DL4J {@code MultiLayerNetwork} classifier on a
 * DataFrame with txtrain's transactional parameter averaging: a fit that dies (a notebook cell,
 * the driver, a cluster restart) resumes at its next uncommitted round when it is run again with
 * the same {@code checkpointDir}, and ends bit-identical to a fit that never failed.
 *
 * <p>Input: {@code featuresCol} an ml {@code Vector}, {@code array<double>} or {@code array<float>}
 * whose size is the network's input size; {@code labelCol} numeric class indices
 * {@code 0..numClasses-1} (numClasses = the output layer's size), e.g. from {@code StringIndexer}.
 * Each row becomes one DL4J example (labels one-hot), converted on the executors; data is never
 * collected to the driver. The fit runs {@code epochs} epochs of parameter averaging with
 * {@code numWorkers} workers, {@code batchSizePerWorker} examples per minibatch and
 * {@code averagingFrequency} minibatches per round; {@code seed} drives the data shuffling and the
 * workers' randomness (the network's initial weights come from the seed in its configuration).
 *
 * <p>Resume and determinism: each fit trains in {@code <checkpointDir>/run-<key>}, the key derived
 * from the network, the training params and a fingerprint of the data (see {@link RunDirectory});
 * a fit whose run is already complete returns the trained model without training again. Bit-exact
 * resume needs a deterministic input: the same rows in the same order, in the same partitions,
 * whenever the DataFrame is computed (e.g. files read in a fixed order, {@code randomSplit} with a
 * seed, no unseeded sampling or order-dependent joins), plus the same ND4J backend and thread
 * settings. A changed input gets a new run directory, so it trains from the start.
 *
 * <p>Failures: {@code fit} and {@code transformSchema} throw {@link InvalidInputException} for a
 * missing column, a wrong column type, a label that is not a class index of the network (naming the
 * value and the row), or a feature vector size that differs from the network's input size (naming
 * both sizes); an {@code IllegalArgumentException} for an unusable network configuration, a missing
 * checkpoint directory, or an invalid txtrain option. A training failure (e.g. a round that fails
 * {@code spark.txtrain.round.maxAttempts} times) propagates after the run's state is saved, so the
 * fit can be resumed.
 */
public final class TxtrainClassifier extends Estimator<TxtrainClassificationModel>
        implements OutputColumnParams, DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> probabilityCol;
    private final Param<String> networkConfig;
    private final IntParam epochs;
    private final IntParam batchSizePerWorker;
    private final IntParam averagingFrequency;
    private final IntParam numWorkers;
    private final LongParam seed;
    private final Param<String> checkpointDir;
    private final StringMapParam txtrainOptions;
    private transient List<TrainingListener> listeners = List.of();

    public TxtrainClassifier() {
        this(Identifiable$.MODULE$.randomUID("txtrainClassifier"));
    }

    public TxtrainClassifier(String uid) {
        this.uid = uid;
        featuresCol = OutputSchema.featuresParam(this);
        labelCol = new Param<>(this, "labelCol", "label column: numeric class indices 0..numClasses-1");
        predictionCol = OutputSchema.predictionParam(this);
        probabilityCol = OutputSchema.probabilityParam(this);
        networkConfig = new Param<>(this, "networkConfig", "the DL4J MultiLayerConfiguration as JSON (conf.toJson())");
        epochs = new IntParam(this, "epochs", "training epochs (>= 1)", ParamValidators.gtEq(1));
        batchSizePerWorker = new IntParam(this, "batchSizePerWorker", "examples per minibatch on each worker (>= 1)",
                ParamValidators.gtEq(1));
        averagingFrequency = new IntParam(this, "averagingFrequency",
                "minibatches each worker fits between parameter averages, i.e. per round (>= 1)",
                ParamValidators.gtEq(1));
        numWorkers = new IntParam(this, "numWorkers",
                "parameter-averaging workers (>= 1); unset: Spark's default parallelism", ParamValidators.gtEq(1));
        seed = new LongParam(this, "seed", "seed of the data shuffling and the workers' randomness");
        checkpointDir = new Param<>(this, "checkpointDir", "directory URI under which each fit keeps its"
                + " checkpoints and log (run-<key> per fit); unset: the SparkConf's spark.txtrain.checkpoint.dir");
        txtrainOptions = new StringMapParam(this, "txtrainOptions",
                "spark.txtrain.* options for the training master (checkpoint policy, lease, retries, ...)");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(probabilityCol, "probability");
        setDefault(epochs, 1);
        setDefault(batchSizePerWorker, 32);
        setDefault(averagingFrequency, 5);
        setDefault(seed, 12345L);
        setDefault(txtrainOptions, Map.of());
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- params

    @Override
    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    @Override
    public Param<String> predictionCol() {
        return predictionCol;
    }

    @Override
    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public Param<String> networkConfig() {
        return networkConfig;
    }

    public IntParam epochs() {
        return epochs;
    }

    public IntParam batchSizePerWorker() {
        return batchSizePerWorker;
    }

    public IntParam averagingFrequency() {
        return averagingFrequency;
    }

    public IntParam numWorkers() {
        return numWorkers;
    }

    public LongParam seed() {
        return seed;
    }

    public Param<String> checkpointDir() {
        return checkpointDir;
    }

    public StringMapParam txtrainOptions() {
        return txtrainOptions;
    }

    // ---- getters

    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    /** The network configuration JSON, or null if not set. */
    public String getNetworkConfig() {
        return isDefined(networkConfig) ? getOrDefault(networkConfig) : null;
    }

    public int getEpochs() {
        return (Integer) getOrDefault(epochs);
    }

    public int getBatchSizePerWorker() {
        return (Integer) getOrDefault(batchSizePerWorker);
    }

    public int getAveragingFrequency() {
        return (Integer) getOrDefault(averagingFrequency);
    }

    /** The number of workers, or null for Spark's default parallelism. */
    public Integer getNumWorkers() {
        return isDefined(numWorkers) ? (Integer) getOrDefault(numWorkers) : null;
    }

    public long getSeed() {
        return (Long) getOrDefault(seed);
    }

    /** The checkpoint root, or null (then the SparkConf's spark.txtrain.checkpoint.dir is used). */
    public String getCheckpointDir() {
        return isDefined(checkpointDir) ? getOrDefault(checkpointDir) : null;
    }

    public Map<String, String> getTxtrainOptions() {
        return getOrDefault(txtrainOptions);
    }

    // ---- setters

    public TxtrainClassifier setFeaturesCol(String value) {
        set(featuresCol, value);
        return this;
    }

    public TxtrainClassifier setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    public TxtrainClassifier setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    /** Empty for no probability column. */
    public TxtrainClassifier setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    /** The network as JSON ({@code MultiLayerConfiguration.toJson()}); checked when fitting. */
    public TxtrainClassifier setNetworkConfig(String json) {
        set(networkConfig, json);
        return this;
    }

    /** The network to train; stored as its JSON. */
    public TxtrainClassifier setNetwork(MultiLayerConfiguration conf) {
        return setNetworkConfig(conf.toJson());
    }

    public TxtrainClassifier setEpochs(int value) {
        set(epochs, value);
        return this;
    }

    public TxtrainClassifier setBatchSizePerWorker(int value) {
        set(batchSizePerWorker, value);
        return this;
    }

    public TxtrainClassifier setAveragingFrequency(int value) {
        set(averagingFrequency, value);
        return this;
    }

    public TxtrainClassifier setNumWorkers(int value) {
        set(numWorkers, value);
        return this;
    }

    public TxtrainClassifier setSeed(long value) {
        set(seed, value);
        return this;
    }

    public TxtrainClassifier setCheckpointDir(String uri) {
        set(checkpointDir, uri);
        return this;
    }

    /** Replaces all txtrain options ({@code spark.txtrain.*} keys, as for the training master's builder). */
    public TxtrainClassifier setTxtrainOptions(Map<String, String> options) {
        set(txtrainOptions, StringMapParam.copyOf(options));
        return this;
    }

    /** Adds one txtrain option, e.g. {@code ("spark.txtrain.checkpoint.policy", "every-rounds:5")}. */
    public TxtrainClassifier setTxtrainOption(String key, String value) {
        Map<String, String> m = new TreeMap<>(getTxtrainOptions());
        m.put(key, value);
        return setTxtrainOptions(m);
    }

    /**
     * DL4J listeners run on the driver after each committed round and each epoch (progress in a
     * notebook). Not a Param: not saved; kept by {@link #copy}.
     */
    public TxtrainClassifier setListeners(TrainingListener... listeners) {
        this.listeners = List.copyOf(Arrays.asList(listeners));
        return this;
    }

    // ---- Estimator

    /** Checks the label, features and output columns against the network; the model's output schema. */
    @Override
    public StructType transformSchema(StructType schema) {
        NetworkShape shape = NetworkShape.of(NetworkShape.parse(networkConfig.name(), getNetworkConfig()));
        new LabelColumn(getLabelCol(), shape.numClasses()).checkSchema(schema);
        return OutputSchema.append(this, schema, shape);
    }

    /** Trains (or resumes, or finds finished) this fit's run; see the class documentation. */
    @Override
    public TxtrainClassificationModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        MultiLayerConfiguration conf = NetworkShape.parse(networkConfig.name(), getNetworkConfig());
        NetworkShape shape = NetworkShape.of(conf);
        ClassifierTraining.Settings settings = new ClassifierTraining.Settings(getEpochs(), getBatchSizePerWorker(),
                getAveragingFrequency(), getNumWorkers(), getSeed(), getCheckpointDir(), getTxtrainOptions());
        ClassifierTraining.Result r = ClassifierTraining.fit(dataset, new FeatureColumn(getFeaturesCol(), shape),
                new LabelColumn(getLabelCol(), shape.numClasses()), conf, shape, settings, new ArrayList<>(listeners));
        TxtrainClassificationModel model = new TxtrainClassificationModel(uid, r.network(), r.runDirectory());
        return copyValues(model.setParent(this), ParamMap.empty());
    }

    @Override
    public TxtrainClassifier copy(ParamMap extra) {
        TxtrainClassifier copy = defaultCopy(extra);
        copy.listeners = listeners;
        return copy;
    }

    public static MLReader<TxtrainClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static TxtrainClassifier load(String path) {
        return read().load(path);
    }
}
