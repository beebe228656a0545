package io.txtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.log.LogChainReader;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.log.RunHistory;
import io.txtrain.spark.dl4j.TransactionalTrainingMaster;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * A run long enough for retention to delete most of its log: the report still covers it from
 * round 1, from the run's compact history, which stays bounded.
 */
class ReportHistoryTest {
    static JavaSparkContext sc;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 1, "report-history");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static TransactionalTrainingMaster master(Path dir) {
        // 4 examples per round, 20 rounds per epoch; 4 KiB log segments hold about 15 rounds each
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(2).averagingFrequency(1).rngSeed(5)
                .checkpointDirectory(dir.toUri().toString()).checkpointPolicy("every-rounds:4").retainCheckpoints(1)
                .set("spark.txtrain.log.segmentBytes", "4096").build();
    }

    @Test
    void theReportCoversTheWholeRunAfterRetentionDeletedMostOfTheLog() throws Exception {
        Path dir = tmp.resolve("run");
        List<DataSet> data = TrainingFixtures.blobs(80, 3);
        TransactionalTrainingMaster tm = master(dir);
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(4), tm);
        for (int e = 0; e < 2; e++) {
            net.fit(sc.parallelize(data, 2));
        }
        tm.close();

        DurableFs fs = DurableFs.forUri(dir.toUri(), new Configuration());
        DirLayout layout = new DirLayout(new org.apache.hadoop.fs.Path(dir.toUri()));
        List<RoundRecord> logged = new LogChainReader(fs, layout).read().rounds();
        long firstLogged = logged.get(0).round();
        assertTrue(firstLogged > 20, "retention deleted the first epoch's log: log starts at round " + firstLogged);
        RunHistory.Archive archive = RunHistory.read(fs, layout);
        assertEquals(1, archive.rounds().get(0).round());
        assertEquals(firstLogged - 1, archive.rounds().size(), "every deleted round is archived");
        assertTrue(archive.starts().size() >= 1, "the driver start is archived");

        Path html = tmp.resolve("report.html");
        TxtrainCliTest.Run r = TxtrainCliTest.txtrain("report", dir.toString(), "--out", html.toString());
        assertEquals(0, r.code(), r.all());
        assertTrue(r.out().contains("40 rounds"), r.all());
        String page = Files.readString(html, StandardCharsets.UTF_8);
        assertTrue(page.contains("round 1 (epoch 1, split 1/20)"), "round 1 is in the loss chart");
        assertTrue(page.contains("round 40 (epoch 2, split 20/20)"), "and the last round");
        assertEquals(0, TxtrainCliTest.txtrain("verify", dir.toString()).code(), "verify accepts history/");

        // a new driver resumes with history/ in the directory
        TransactionalTrainingMaster again = master(dir);
        SparkDl4jMultiLayer net2 = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(4), again);
        net2.fit(sc.parallelize(data, 2));
        assertEquals(40, again.committedRound());
        again.close();
    }
}
