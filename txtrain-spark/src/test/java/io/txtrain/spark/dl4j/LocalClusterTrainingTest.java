package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.spark.testing.ExecutorProcesses;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * local-cluster mode, executors in their own JVMs (where plain DL4J parameter averaging is not
 * reproducible): runs are bit-identical to each other and to local[2], also when an executor JVM
 * is SIGKILLed in the middle of a round.
 */
class LocalClusterTrainingTest {
    @TempDir
    Path tmp;

    private static String train(JavaSparkContext sc, Path dir) {
        JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(LocalDeterminismTest.EXAMPLES, 7), 3);
        TransactionalTrainingMaster tm = LocalDeterminismTest.master(dir).build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        net.fit(data);
        String sha = tm.parametersSha256();
        tm.close();
        return sha;
    }

    @Test
    void reproducibleAcrossRunsModesAndExecutorKills() {
        String local;
        JavaSparkContext sc = SparkTestSupport.local(2, 1, "reference");
        try {
            local = train(sc, tmp.resolve("local"));
        } finally {
            sc.stop();
        }
        sc = new JavaSparkContext(SparkTestSupport.localClusterConf(2, 1024, "local-cluster"));
        try {
            String first = train(sc, tmp.resolve("lc1"));
            String second = train(sc, tmp.resolve("lc2"));
            assertEquals(first, second, "two local-cluster runs");
            assertEquals(local, first, "local-cluster equals local[2]");

            AtomicLong killed = new AtomicLong();
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart start) {
                    String desc = start.properties() == null ? null
                            : start.properties().getProperty("spark.job.description");
                    if (desc != null && desc.startsWith("txtrain round 4,") && killed.get() == 0) {
                        killed.set(ExecutorProcesses.killOne());
                    }
                }
            });
            String withKill = train(sc, tmp.resolve("lc-kill"));
            assertTrue(killed.get() > 0, "an executor JVM was killed during round 4");
            assertEquals(local, withKill, "an executor SIGKILLed mid-round changes nothing");
        } finally {
            sc.stop();
        }
    }
}
