package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * A txtrain job with Spark's event log on (what the History Server reads) starts and writes the log
 * with its round jobs: the classpath that txtrain's modules resolve carries the Jackson that Spark
 * 3.5.9 ships, which the event log's JSON writer needs.
 */
class SparkEventLogTest {
    @TempDir
    Path tmp;

    @Test
    void anEventLoggedRunWritesItsRoundJobsToTheLog() throws IOException {
        Path events = Files.createDirectories(tmp.resolve("events"));
        JavaSparkContext sc = new JavaSparkContext(SparkTestSupport.baseConf("local[2]", "event-log")
                .set("spark.eventLog.enabled", "true").set("spark.eventLog.dir", events.toUri().toString()));
        String checksum;
        try {
            checksum = TrainingFixtures.fitOnce(sc, TrainingFixtures.network(8),
                    sc.parallelize(TrainingFixtures.blobs(64, 3), 2),
                    new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2)
                            .rngSeed(17).checkpointDirectory(tmp.resolve("run").toUri().toString()).build());
        } finally {
            sc.stop();
        }
        assertEquals(64, checksum.length(), "the run trained and committed");
        List<Path> logs;
        try (Stream<Path> s = Files.list(events)) {
            logs = s.toList();
        }
        assertEquals(1, logs.size(), "one finished event log: " + logs);
        String log = Files.readString(logs.get(0), StandardCharsets.UTF_8);
        assertTrue(log.contains("\"Event\":\"SparkListenerJobStart\"") && log.contains("txtrain round"),
                "the log records txtrain's round jobs");
        assertTrue(log.contains("\"Event\":\"SparkListenerApplicationEnd\""), "the log is complete");
    }
}
