package io.txtrain.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.spark.dl4j.TransactionalTrainingMaster;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * A training driver for {@link RecoveryBenchmark}: Spark local-cluster (the driver JVM holds only
 * the driver), one hidden layer of H units (16 H parameters). Prints, with wall-clock milliseconds:
 * {@code JVM <start>}, {@code PLAN <lastCommitted>}, {@code CONTEXT <t>} when Spark is up,
 * {@code ROUND <r> <t>} per committed or replayed round, and at the end
 * {@code MEMORY <heapPeakMB> <liveHeapPeakMB> <rssPeakMB>}: peak heap used (garbage included),
 * the largest heap in use right after a collection, and the process's peak resident memory
 * (ND4J arrays live off-heap).
 * args: dirUri hidden epochs policy
 */
public final class RecoveryChild {
    private RecoveryChild() {
    }

    /** Largest heap in use right after a garbage collection (the live set), over the run. */
    private static final java.util.concurrent.atomic.AtomicLong LIVE_PEAK = new java.util.concurrent.atomic.AtomicLong();

    public static void main(String[] args) throws Exception {
        System.out.println("JVM " + ManagementFactory.getRuntimeMXBean().getStartTime());
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((javax.management.NotificationEmitter) gc).addNotificationListener((n, h) -> {
                var info = com.sun.management.GarbageCollectionNotificationInfo.from(
                        (javax.management.openmbean.CompositeData) n.getUserData());
                long used = info.getGcInfo().getMemoryUsageAfterGc().values().stream()
                        .mapToLong(java.lang.management.MemoryUsage::getUsed).sum();
                LIVE_PEAK.accumulateAndGet(used, Math::max);
            }, n -> n.getType().equals(com.sun.management.GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION),
                    null);
        }
        String dir = args[0];
        int hidden = Integer.parseInt(args[1]);
        int epochs = Integer.parseInt(args[2]);
        String policy = args[3];
        long last = RecoveryDirectory.inspect(URI.create(dir), new Configuration()).lastCommittedRound();
        System.out.println("PLAN " + last);
        SparkConf conf = SparkTestSupport.localClusterConf(2, 2048, "txtrain-recovery-bench");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            // no shuffle: its output order varies between runs, and txtrain refuses to resume on other data
            JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(480, 7), 2).cache();
            data.count();
            System.out.println("CONTEXT " + System.currentTimeMillis());
            System.out.flush();
            TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                    .averagingFrequency(2).rngSeed(5).checkpointDirectory(dir).checkpointPolicy(policy)
                    .set("spark.txtrain.lease.heartbeat", "200ms").set("spark.txtrain.lease.timeout", "1s").build();
            tm.setListeners(List.of(new BaseTrainingListener() {
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    System.out.println("ROUND " + tm.committedRound() + " " + System.currentTimeMillis());
                    System.out.flush();
                }
            }));
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(hidden), tm);
            for (int e = 0; e < epochs; e++) {
                net.fit(data);
            }
            tm.close();
        }
        long peak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                peak += p.getPeakUsage().getUsed();
            }
        }
        long live = LIVE_PEAK.get();
        long rssKb = Files.readAllLines(Paths.get("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
        System.out.println("MEMORY " + (peak >> 20) + " " + (live >> 20) + " " + (rssKb >> 10));
        System.out.flush();
    }
}
