package io.txtrain.examples;

import java.io.File;
import java.nio.file.Files;
import java.util.Locale;

import org.apache.commons.io.FileUtils;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;

import io.txtrain.data.IdxDataset;

/**
 * The Fashion-MNIST example's job with plain DL4J parameter averaging instead of txtrain: the same
 * Spark settings, input (each partition reads its slice of the IDX files), network, batch, averaging
 * frequency and seed; for timing the whole process against {@code bin/txtrain-example}.
 *
 * <p>args: dataDir master epochs workers approach(export|direct-cached)
 */
public final class PlainFashionMnist {
    public static void main(String[] a) throws Exception {
        String data = a[0];
        String master = a[1];
        int epochs = Integer.parseInt(a[2]);
        int workers = Integer.parseInt(a[3]);
        String approach = a[4];
        SparkConf conf = new SparkConf().setAppName("plain DL4J Fashion-MNIST mlp").setMaster(master)
                .set("spark.ui.enabled", "false");
        File export = Files.createTempDirectory("plain-fmnist-export").toFile();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            IdxDataset train = IdxDataset.load(data, "train", 0, sc.hadoopConfiguration());
            IdxDataset test = IdxDataset.load(data, "t10k", 0, sc.hadoopConfiguration());
            String dir = FashionMnistExample.qualified(data, sc.hadoopConfiguration());
            JavaRDD<DataSet> trainRdd = IdxSlices.rdd(sc, dir, "train", 0, 10, Math.max(2, sc.defaultParallelism()));
            ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(workers, 1)
                    .batchSizePerWorker(32).averagingFrequency(5).rngSeed(12345);
            ParameterAveragingTrainingMaster tm = switch (approach) {
                case "export" -> b.rddTrainingApproach(RDDTrainingApproach.Export)
                        .exportDirectory(export.toURI().toString()).build();
                case "direct-cached" -> b.rddTrainingApproach(RDDTrainingApproach.Direct)
                        .storageLevel(StorageLevel.MEMORY_ONLY()).repartionData(Repartition.Never).build();
                default -> throw new IllegalArgumentException("approach: export or direct-cached, got " + approach);
            };
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, FashionMnistExample.network("mlp"), tm);
            for (int e = 0; e < epochs; e++) {
                net.fit(trainRdd);
            }
            double acc = net.getNetwork().evaluate(new SingletonDataSetIterator(test.batch(0, test.size(), 10)))
                    .accuracy();
            System.out.printf(Locale.ROOT, "test accuracy %.4f on %d images (%d training images)%n", acc, test.size(),
                    train.size());
        } finally {
            FileUtils.deleteDirectory(export);
        }
    }
}
