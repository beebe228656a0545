package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.time.Duration;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.txtrain.core.fs.HadoopClientTimeouts;
import io.txtrain.core.fs.UnreachableStoreException;
import io.txtrain.core.testing.SilentServer;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * The trainer on an hdfs:// checkpoint directory that cannot be reached fails within a bounded
 * time (the README's bound, about a minute, times three as the deadline) with an error naming the
 * URI, instead of hanging; the timeouts can be overridden with spark.hadoop.* keys.
 */
class UnreachableStoreTrainingTest {
    static final Duration DEADLINE = Duration.ofMinutes(3);
    static JavaSparkContext sc;

    @BeforeAll
    static void start() {
        sc = new JavaSparkContext(SparkTestSupport.baseConf("local[2]", "unreachable-store")
                .set("spark.hadoop.ipc.client.connect.max.retries", "3"));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static UncheckedIOException fitFails(String dir) {
        TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                .averagingFrequency(2).checkpointDirectory(dir).build();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), tm);
        var data = sc.parallelize(TrainingFixtures.blobs(32, 1), 2);
        UncheckedIOException e = assertTimeoutPreemptively(DEADLINE,
                () -> assertThrows(UncheckedIOException.class, () -> net.fit(data)));
        tm.close();
        return e;
    }

    @Test
    void checkpointDirectoryOnAServerThatNeverAnswersFailsNamingTheUri() throws Exception {
        try (SilentServer server = new SilentServer()) {
            String dir = server.hdfsUri() + "/runs/fmnist";
            UncheckedIOException e = fitFails(dir);
            assertInstanceOf(UnreachableStoreException.class, e.getCause());
            assertTrue(e.getMessage().startsWith("txtrain: cannot reach " + dir + ": it did not answer in time"),
                    e.getMessage());
        }
    }

    @Test
    void checkpointDirectoryOnAPortWithNothingListeningFailsNamingTheUri() throws Exception {
        String dir = "hdfs://127.0.0.1:" + SilentServer.closedPort() + "/runs/fmnist";
        UncheckedIOException e = fitFails(dir);
        assertTrue(e.getMessage().startsWith("txtrain: cannot reach " + dir + ": connection refused"), e.getMessage());
    }

    @Test
    void userSettingsOverrideTheBoundedDefaults() {
        Configuration own = HadoopClientTimeouts.apply(sc.hadoopConfiguration());
        assertEquals("3", own.get("ipc.client.connect.max.retries"), "spark.hadoop.* is kept");
        assertEquals("20000", own.get("ipc.client.rpc-timeout.ms"), "Hadoop's unbounded default is replaced");
        Configuration conf = new Configuration();
        conf.set("ipc.client.rpc-timeout.ms", "300000");
        assertEquals("300000", HadoopClientTimeouts.apply(conf).get("ipc.client.rpc-timeout.ms"));
    }
}
