package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * With Spark's Kryo serializer and ND4J's registrator (DL4J's recommended setup), round inputs,
 * worker results, averaging slices and means cross task boundaries unchanged: the same bits as
 * with Java serialization, averaged on the driver or on the executors, states on or off the heap.
 */
class KryoSerializerTest {
    @TempDir
    Path tmp;

    private static String train(JavaSparkContext sc, Path dir, Map<String, String> settings) {
        JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(LocalDeterminismTest.EXAMPLES, 7), 3);
        TransactionalTrainingMaster.Builder b = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                .averagingFrequency(2).rngSeed(99).checkpointDirectory(dir.toUri().toString())
                .checkpointPolicy("every-rounds:4");
        settings.forEach(b::set);
        TransactionalTrainingMaster tm = b.build();
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm).fit(data);
        String sha = tm.parametersSha256();
        tm.close();
        return sha;
    }

    private static org.apache.spark.SparkConf kryo(org.apache.spark.SparkConf conf) {
        return conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
    }

    @Test
    void kryoGivesTheSameBitsAsJavaSerialization() {
        String reference;
        JavaSparkContext sc = SparkTestSupport.local(2, 1, "kryo-reference");
        try {
            reference = train(sc, tmp.resolve("java"), Map.of());
        } finally {
            sc.stop();
        }
        sc = new JavaSparkContext(kryo(SparkTestSupport.baseConf("local[2]", "kryo-local")));
        try {
            assertEquals(reference, train(sc, tmp.resolve("local"), Map.of()), "local mode (round streams)");
        } finally {
            sc.stop();
        }
        sc = new JavaSparkContext(kryo(SparkTestSupport.localClusterConf(2, 640, "kryo")));
        try {
            assertEquals(reference, train(sc, tmp.resolve("driver"), Map.of("spark.txtrain.aggregation", "driver",
                    "spark.txtrain.round.stream", "false")), "averaged on the driver");
            assertEquals(reference, train(sc, tmp.resolve("executors"), Map.of("spark.txtrain.aggregation",
                    "executors", "spark.txtrain.aggregation.sliceBytes", "200", "spark.txtrain.driver.stateOffHeap",
                    "always")), "averaged on the executors in slices, the driver's states off its heap");
        } finally {
            sc.stop();
        }
    }
}
