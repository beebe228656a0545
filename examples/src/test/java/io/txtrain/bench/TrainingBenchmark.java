package io.txtrain.bench;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;

import io.txtrain.data.IdxDataset;
import io.txtrain.examples.FashionMnistExample;
import io.txtrain.spark.dl4j.TransactionalTrainingMaster;

/**
 * Epoch time and test accuracy: txtrain (checkpoints on) vs plain ParameterAveragingTrainingMaster
 * (Direct approach) vs the same network trained in one JVM without Spark, measured alternately in
 * one process. Also the driver's heap in use after training (after GC) for txtrain and plain DL4J.
 *
 * <p>txtrain runs with the plugin on, so its checkpoint policy is the default {@code adaptive} one; the
 * plugin is loaded for all trainers alike.
 *
 * <p>args: dataDir trainImages model(mlp|cnn) epochs repeats master [workers [batchPerWorker [averagingFrequency
 * [export|direct|direct-cached]]]]. The last picks how plain DL4J reads its RDD:
 * <ul>
 * <li>{@code export}, DL4J's default: the data is saved once as minibatch files and the rounds split their paths.
 * DL4J allows it only for a {@code local[...]} master or a non-local default file system;</li>
 * <li>{@code direct}: every round splits the cached DataSets ({@code MEMORY_ONLY_SER}) and repartitions them;</li>
 * <li>{@code direct-cached}: Direct with the DataSets cached deserialised ({@code MEMORY_ONLY}) and no
 * repartitioning of the splits, the cheapest Direct setting.</li>
 * </ul>
 */
public final class TrainingBenchmark {
    private static final String PLAIN = "plain ParameterAveragingTrainingMaster";
    private static final String TXTRAIN = "txtrain (adaptive checkpoints)";
    private static final String SINGLE = "single JVM (no Spark)";
    private static int batch;
    private static int averaging;
    private static String approach;

    public static void main(String[] a) throws Exception {
        String data = a[0];
        int n = Integer.parseInt(a[1]);
        String model = a[2];
        int epochs = Integer.parseInt(a[3]);
        int repeats = Integer.parseInt(a[4]);
        String master = a[5];
        int workers = a.length > 6 ? Integer.parseInt(a[6]) : 2;
        batch = a.length > 7 ? Integer.parseInt(a[7]) : 32;
        averaging = a.length > 8 ? Integer.parseInt(a[8]) : 5;
        approach = a.length > 9 ? a[9] : "export";
        plain(workers, null);
        IdxDataset train = IdxDataset.load(data, "train", n, new Configuration());
        IdxDataset testSet = IdxDataset.load(data, "t10k", 0, new Configuration());
        DataSet test = testSet.batch(0, testSet.size(), 10);
        List<DataSet> examples = train.examples(10);
        MultiLayerConfiguration conf = FashionMnistExample.network(model);
        Map<String, List<double[]>> results = new TreeMap<>();
        SparkConf sconf = new SparkConf().setMaster(master).setAppName("txtrain-bench").set("spark.ui.enabled", "false")
                .set("spark.plugins", "io.txtrain.spark.plugin.TxtrainPlugin");
        if (master.startsWith("local-cluster")) {
            sconf.set("spark.executor.extraClassPath", System.getProperty("bench.executorClassPath", ""))
                    .set("spark.executor.extraJavaOptions", System.getProperty("bench.executorJavaOptions", ""))
                    .set("spark.executorEnv.OMP_NUM_THREADS", "1").set("spark.executor.memory", "2g");
        }
        try (JavaSparkContext sc = new JavaSparkContext(sconf)) {
            for (int r = 0; r < repeats; r++) {
                // the trainer that runs first pays the warm-up: each repeat starts with the next one
                for (int i = 0; i < 3; i++) {
                    switch ((r + i) % 3) {
                        case 0 -> add(results, PLAIN, plain(sc, conf, examples, test, epochs, workers));
                        case 1 -> add(results, TXTRAIN, txtrain(sc, conf, examples, test, epochs, workers));
                        default -> add(results, SINGLE, single(conf, examples, test, epochs, workers));
                    }
                }
                System.err.printf("repeat %d done: %s%n", r + 1, summary(results));
            }
        }
        double plainEpoch = median(results.get(PLAIN), 0);
        System.out.printf(Locale.ROOT, "%n%d training images, %s, %d epoch(s), master %s, %d workers, batch %d/worker,"
                + " averaging frequency %d, plain DL4J approach %s, %d repeats (medians)%n%n", n, model, epochs, master,
                workers, batch, averaging, approach, repeats);
        System.out.println("| trainer | epoch time (s) | ratio to plain PATM | test accuracy | driver heap after training (MB) |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
            double epoch = median(e.getValue(), 0);
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.4f | %.0f |%n", e.getKey(), epoch, epoch / plainEpoch,
                    median(e.getValue(), 1), median(e.getValue(), 2));
        }
        System.out.printf(Locale.ROOT, "%nmodel state: %d parameters%n", new MultiLayerNetwork(conf).numParams());
    }

    private static double[] plain(JavaSparkContext sc, MultiLayerConfiguration conf, List<DataSet> examples,
                                  DataSet test, int epochs, int workers) throws IOException {
        File export = Files.createTempDirectory("txtrain-bench-export").toFile();
        try {
            return spark(sc, conf, examples, test, epochs, plain(workers, export.toURI().toString()));
        } finally {
            FileUtils.deleteDirectory(export);
        }
    }

    private static double[] txtrain(JavaSparkContext sc, MultiLayerConfiguration conf, List<DataSet> examples,
                                    DataSet test, int epochs, int workers) throws IOException {
        File dir = Files.createTempDirectory("txtrain-bench").toFile();
        try (TransactionalTrainingMaster tx = new TransactionalTrainingMaster.Builder(workers, 1)
                .batchSizePerWorker(batch).averagingFrequency(averaging).rngSeed(12345)
                .checkpointDirectory(dir.toURI().toString()).build()) {
            return spark(sc, conf, examples, test, epochs, tx);
        } finally {
            FileUtils.deleteDirectory(dir);
        }
    }

    private static ParameterAveragingTrainingMaster plain(int workers, String exportDir) {
        ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(workers, 1)
                .batchSizePerWorker(batch).averagingFrequency(averaging).rngSeed(12345);
        switch (approach) {
            case "export":
                return b.rddTrainingApproach(RDDTrainingApproach.Export).exportDirectory(exportDir).build();
            case "direct":
                return b.rddTrainingApproach(RDDTrainingApproach.Direct).build();
            case "direct-cached":
                return b.rddTrainingApproach(RDDTrainingApproach.Direct).storageLevel(StorageLevel.MEMORY_ONLY())
                        .repartionData(Repartition.Never).build();
            default:
                throw new IllegalArgumentException("approach must be export, direct or direct-cached, got '" + approach + "'");
        }
    }

    /** {epoch seconds, accuracy, heap MB}. */
    private static double[] spark(JavaSparkContext sc, MultiLayerConfiguration conf, List<DataSet> examples,
                                  DataSet test, int epochs, TrainingMaster<?, ?> tm) {
        // shuffled once so that tasks do not carry the data (a parallelized collection's partitions hold
        // it, and every stage would ship it again); left uncached: DL4J's master persists its input itself
        int parts = Math.max(2, sc.defaultParallelism());
        JavaRDD<DataSet> rdd = sc.parallelize(examples, parts).repartition(parts);
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, conf.clone(), tm);
        long t0 = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
            net.fit(rdd);
        }
        double seconds = (System.nanoTime() - t0) / 1e9 / epochs;
        rdd.unpersist(false);
        double heap = heapAfterGcMb();
        double acc = net.getNetwork().evaluate(new SingletonDataSetIterator(test)).accuracy();
        return new double[] {seconds, acc, heap};
    }

    private static double[] single(MultiLayerConfiguration conf, List<DataSet> examples, DataSet test, int epochs,
                                   int workers) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        DataSet all = DataSet.merge(examples);
        List<DataSet> batches = all.batchBy(batch);
        long t0 = System.nanoTime();
        for (int e = 0; e < epochs; e++) {
            for (DataSet b : batches) {
                net.fit(b);
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9 / epochs;
        return new double[] {seconds, net.evaluate(new SingletonDataSetIterator(test)).accuracy(), heapAfterGcMb()};
    }

    static double heapAfterGcMb() {
        System.gc();
        long used = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                used += p.getUsage().getUsed();
            }
        }
        return used / 1e6;
    }

    private static void add(Map<String, List<double[]>> m, String k, double[] v) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }

    static double median(List<double[]> rows, int col) {
        List<Double> v = new ArrayList<>();
        for (double[] r : rows) {
            v.add(r[col]);
        }
        Collections.sort(v);
        int s = v.size();
        return s % 2 == 1 ? v.get(s / 2) : (v.get(s / 2 - 1) + v.get(s / 2)) / 2;
    }

    private static String summary(Map<String, List<double[]>> m) {
        StringBuilder sb = new StringBuilder();
        m.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "%s=%.1fs ", k, v.get(v.size() - 1)[0])));
        return sb.toString();
    }
}
