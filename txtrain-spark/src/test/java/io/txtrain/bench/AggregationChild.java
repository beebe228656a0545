package io.txtrain.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.io.FileUtils;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.txtrain.spark.dl4j.TransactionalTrainingMaster;
import io.txtrain.spark.testing.SparkTestSupport;

/**
 * One cell of {@link AggregationBenchmark}: a driver on Spark local-cluster (its JVM runs no tasks)
 * trains an MLP 784-H-10 (Adam) for two epochs of R rounds, batch 8 per worker, averaging every
 * minibatch; the first epoch is the warm-up. Prints
 * {@code RESULT <trainer> <workers> <parameters> <stateMB> <roundMs> <liveHeapMB> <heapPeakMB> <steadyMs>}:
 * the second epoch's time per round (its fit call divided by its rounds), the largest heap in use
 * right after a garbage collection during it (an upper bound of the live set: a young collection
 * leaves dead old objects), the largest heap before one, and for txtrain the median time between
 * consecutive committed rounds (without the epoch's fixed costs; -1 for PATM, whose listeners run
 * in the workers), and the process's peak resident memory (MB; ND4J arrays live off-heap). The
 * state is parameters + Adam's two moments.
 * args: trainer (driver | executors | patm) workers hidden rounds executors executorMemoryMb [listener: true
 * (default) times txtrain's rounds with a driver-side listener, whose round update view costs heap]
 * [sampleMs: above 0, also samples the driver's live set every that many ms during the measured epoch
 * with a class histogram, which collects all garbage first (a full GC each, so that run's times are
 * not comparable); appends {@code <sampledLiveMB> <sampledByteArraysMB> <samples>}]
 */
public final class AggregationChild {
    private static final AtomicLong LIVE_PEAK = new AtomicLong();
    private static final AtomicLong HEAP_PEAK = new AtomicLong();

    private AggregationChild() {
    }

    public static void main(String[] a) throws Exception {
        String trainer = a[0];
        int workers = Integer.parseInt(a[1]);
        int hidden = Integer.parseInt(a[2]);
        int rounds = Integer.parseInt(a[3]);
        int executors = Integer.parseInt(a[4]);
        int executorMb = Integer.parseInt(a[5]);
        boolean listener = a.length <= 6 || Boolean.parseBoolean(a[6]);
        long sampleMs = a.length > 7 ? Long.parseLong(a[7]) : 0;
        int batch = 8;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((javax.management.NotificationEmitter) gc).addNotificationListener((n, h) -> {
                var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                        (javax.management.openmbean.CompositeData) n.getUserData());
                long after = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                        .mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
                long before = info.getGcInfo().getMemoryUsageBeforeGc().values().stream()
                        .mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
                LIVE_PEAK.accumulateAndGet(after, Math::max);
                HEAP_PEAK.accumulateAndGet(before, Math::max);
            }, n -> n.getType().equals(
                    com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION), null);
        }
        SparkTestSupport.prepareSparkHome();
        SparkConf conf = SparkTestSupport.baseConf("local-cluster[" + executors + ",1," + executorMb + "]",
                "txtrain-aggregation-bench")
                .set("spark.executor.extraClassPath", String.join(File.pathSeparator, SparkTestSupport.classFolders()))
                .set("spark.executor.memory", executorMb + "m")
                .set("spark.driver.maxResultSize", "0") // driver averaging collects workers x state
                .set("spark.locality.wait", "0s");
        MultiLayerConfiguration mlp = new NeuralNetConfiguration.Builder().seed(12345).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(hidden).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        List<DataSet> examples = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < workers * batch * rounds; i++) {
            float[] x = new float[784];
            for (int j = 0; j < x.length; j++) {
                x[j] = r.nextFloat();
            }
            float[] y = new float[10];
            y[r.nextInt(10)] = 1;
            examples.add(new DataSet(Nd4j.createFromArray(x).reshape(1, 784), Nd4j.createFromArray(y).reshape(1, 10)));
        }
        File dir = Files.createTempDirectory("txtrain-agg-bench").toFile();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            JavaRDD<DataSet> data = sc.parallelize(examples, workers).persist(StorageLevel.MEMORY_ONLY());
            data.count();
            examples = null;
            TrainingMaster<?, ?> tm = trainer.equals("patm")
                    ? new ParameterAveragingTrainingMaster.Builder(workers, 1).batchSizePerWorker(batch)
                            .averagingFrequency(1).rngSeed(12345).rddTrainingApproach(RDDTrainingApproach.Direct)
                            .storageLevel(StorageLevel.MEMORY_ONLY()).repartionData(Repartition.Never).build()
                    : new TransactionalTrainingMaster.Builder(workers, 1).batchSizePerWorker(batch).averagingFrequency(1)
                            .rngSeed(12345).checkpointDirectory(dir.toURI().toString())
                            .checkpointPolicy("every-rounds:1000").set("spark.txtrain.aggregation", trainer).build();
            MultiLayerNetwork net = new MultiLayerNetwork(mlp);
            net.init();
            long params = net.numParams();
            List<Long> roundEnds = java.util.Collections.synchronizedList(new ArrayList<>());
            if (listener && tm instanceof TransactionalTrainingMaster tx) {
                tx.setListeners(List.of(new org.deeplearning4j.optimize.api.BaseTrainingListener() {
                    @Override
                    public void iterationDone(org.deeplearning4j.nn.api.Model model, int iteration, int epoch) {
                        roundEnds.add(System.nanoTime());
                    }
                }));
            }
            SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, tm);
            spark.fit(data); // warm-up, and txtrain's initial checkpoint
            System.gc();
            LIVE_PEAK.set(0);
            HEAP_PEAK.set(0);
            LiveSetSampler sampler = sampleMs > 0 ? LiveSetSampler.start(sampleMs) : null;
            long t0 = System.nanoTime();
            int before = roundEnds.size();
            spark.fit(data);
            double roundMs = (System.nanoTime() - t0) / 1e6 / rounds;
            String sampled = sampler == null ? "" : " " + sampler.stop();
            if (LIVE_PEAK.get() == 0) { // no collection during the epoch: measure the live set at its end
                System.gc();
            }
            long live = LIVE_PEAK.get();
            long peak = HEAP_PEAK.get();
            if (tm instanceof TransactionalTrainingMaster tx) {
                tx.close();
            }
            double steady = -1;
            if (roundEnds.size() - before >= 3) {
                List<Long> ends = roundEnds.subList(before, roundEnds.size());
                double[] gaps = new double[ends.size() - 1];
                for (int i = 1; i < ends.size(); i++) {
                    gaps[i - 1] = (ends.get(i) - ends.get(i - 1)) / 1e6;
                }
                java.util.Arrays.sort(gaps);
                steady = gaps[gaps.length / 2];
            }
            long rssKb = Files.readAllLines(java.nio.file.Paths.get("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("VmHWM:")).mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                    .findFirst().orElse(-1);
            System.out.printf(java.util.Locale.ROOT, "RESULT %s %d %d %.1f %.1f %d %d %.1f %d%s%n", trainer, workers,
                    params, params * 12 / 1e6, roundMs, live >> 20, peak >> 20, steady, rssKb >> 10, sampled);
        } finally {
            FileUtils.deleteDirectory(dir);
        }
    }
}
