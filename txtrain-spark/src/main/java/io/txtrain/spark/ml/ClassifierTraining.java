package io.txtrain.spark.ml;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.txtrain.spark.TxtrainSettings;
import io.txtrain.spark.dl4j.TransactionalTrainingMaster;

/**
 * One {@link TxtrainClassifier} fit as a transactional txtrain run: converts the DataFrame to DL4J
 * DataSets on the executors (cached for the fit, never collected), fingerprints them, picks the
 * run directory from the fit's identity ({@link RunDirectory}), and calls {@code fit} once per
 * epoch through a {@link TransactionalTrainingMaster}, which resumes from that directory and
 * skips committed epochs. The master is closed (final checkpoint, lease released) on return and
 * on failure, so the same fit can be run again in the same JVM.
 */
final class ClassifierTraining {
    private static final Logger LOG = LoggerFactory.getLogger(ClassifierTraining.class);

    /** The estimator's training params, resolved. {@code workers} null: Spark's default parallelism. */
    record Settings(int epochs, int batchSizePerWorker, int averagingFrequency, Integer workers, long seed,
                    String checkpointDir, Map<String, String> txtrainOptions) {
    }

    /** A finished fit. */
    record Result(MultiLayerNetwork network, String runDirectory, String parametersSha256) {
    }

    private ClassifierTraining() {
    }

    static Result fit(Dataset<?> dataset, FeatureColumn features, LabelColumn label, MultiLayerConfiguration conf,
                      NetworkShape shape, Settings s, List<TrainingListener> listeners) {
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        String root = checkpointRoot(s.checkpointDir(), sc.getConf());
        checkOptions(s.txtrainOptions());
        Integer workers = s.workers(); // null: Spark's default parallelism, kept by the run once started
        JavaRDD<DataSet> data = dataset.select(functions.col(features.name()), functions.col(label.name()))
                .toJavaRDD().mapPartitions(new RowsToDataSets(features, label, shape.numClasses()))
                .persist(StorageLevel.MEMORY_AND_DISK());
        try {
            String fingerprint;
            try {
                fingerprint = DataFingerprint.of(data);
            } catch (Exception e) { // Scala code throws the checked SparkException undeclared
                throw InvalidInputException.unwrap(e);
            }
            Map<String, String> identity = new HashMap<>();
            identity.put("task", "classification");
            identity.put("network", conf.toJson());
            identity.put("epochs", Integer.toString(s.epochs()));
            identity.put("batchSizePerWorker", Integer.toString(s.batchSizePerWorker()));
            identity.put("averagingFrequency", Integer.toString(s.averagingFrequency()));
            identity.put("workers", workers == null ? "default" : Integer.toString(workers));
            identity.put("seed", Long.toString(s.seed()));
            identity.put("data", fingerprint);
            String runDir = RunDirectory.resolve(root, identity);
            LOG.info("txtrain fit: {} epoch(s) on {} examples (data {}), {} workers; run directory {}", s.epochs(),
                    fingerprint.substring(0, fingerprint.indexOf(':')), fingerprint,
                    workers == null ? "default-parallelism" : workers, runDir);
            return train(sc, data, conf, s, workers, runDir, listeners);
        } finally {
            data.unpersist(false);
        }
    }

    private static Result train(JavaSparkContext sc, JavaRDD<DataSet> data, MultiLayerConfiguration conf, Settings s,
                                Integer workers, String runDir, List<TrainingListener> listeners) {
        TransactionalTrainingMaster.Builder b = new TransactionalTrainingMaster.Builder(workers, 1)
                .batchSizePerWorker(s.batchSizePerWorker()).averagingFrequency(s.averagingFrequency())
                .rngSeed(s.seed()).checkpointDirectory(runDir);
        s.txtrainOptions().forEach(b::set);
        TransactionalTrainingMaster tm = b.build();
        tm.setListeners(listeners);
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, tm);
        RuntimeException failure = null;
        try {
            for (int e = 0; e < s.epochs(); e++) {
                spark.fit(data);
            }
            return new Result(spark.getNetwork(), runDir, tm.parametersSha256());
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            try {
                tm.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    /** The checkpointDir param, else the SparkConf's spark.txtrain.checkpoint.dir. */
    static String checkpointRoot(String param, SparkConf conf) {
        if (param != null && !param.isBlank()) {
            return param;
        }
        String fromConf = conf.get(TxtrainSettings.DIR, "");
        if (!fromConf.isBlank()) {
            return fromConf;
        }
        throw new IllegalArgumentException("checkpointDir is not set and the SparkConf has no " + TxtrainSettings.DIR
                + ": give the directory under which fits keep their checkpoints (hdfs://... on a cluster,"
                + " file:///... or a local path in local mode) with setCheckpointDir(...)");
    }

    /** Fails now, before any job, on an option the training master would refuse. */
    private static void checkOptions(Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!key.startsWith(TxtrainSettings.PREFIX)) {
                throw new IllegalArgumentException("txtrainOptions key '" + key + "' is not a txtrain option: keys start"
                        + " with " + TxtrainSettings.PREFIX + " (see the README's configuration table)");
            }
        }
        TxtrainSettings.of(options).validate();
        if (options.containsKey(TxtrainSettings.DIR)) {
            throw new IllegalArgumentException("txtrainOptions has " + TxtrainSettings.DIR + " = '"
                    + options.get(TxtrainSettings.DIR) + "': the estimator chooses each fit's run directory under"
                    + " checkpointDir; set the root with setCheckpointDir(...) instead");
        }
    }
}
