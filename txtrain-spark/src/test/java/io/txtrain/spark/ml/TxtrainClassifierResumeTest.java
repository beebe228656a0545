package io.txtrain.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.spark.testing.ChildJvm;
import io.txtrain.spark.testing.FashionMnist;

/**
 * The notebook-cell-dies case: a driver JVM fitting the estimator is killed with SIGKILL after it
 * committed a few rounds; fitting again with the same checkpoint directory resumes the same run
 * (from its newest checkpoint, replaying the committed rounds after it) and ends with the same parameters, bit for
 * bit, as a fit that was never interrupted.
 */
class TxtrainClassifierResumeTest {
    static final int EPOCHS = 2;
    static SparkSession spark;

    @TempDir
    static Path tmp;

    /** 600 Fashion-MNIST images, image halves assembled into {@code features}; deterministic. */
    static Dataset<Row> data(SparkSession spark) {
        return MlFrames.withFeatures(MlFrames.fashion(spark, "train", 600, 3));
    }

    /** Rounds of 2 workers x 16 examples x 2 minibatches: 600 / 64, 10 rounds per epoch. */
    static TxtrainClassifier classifier(String checkpointDir) {
        return new TxtrainClassifier().setNetwork(FashionMnist.mlp(32)).setEpochs(EPOCHS).setNumWorkers(2)
                .setBatchSizePerWorker(16).setAveragingFrequency(2).setSeed(99).setCheckpointDir(checkpointDir)
                .setTxtrainOption("spark.txtrain.checkpoint.policy", "every-rounds:4")
                .setTxtrainOption("spark.txtrain.lease.heartbeat", "200ms")
                .setTxtrainOption("spark.txtrain.lease.timeout", "2s");
    }

    @BeforeAll
    static void start() {
        spark = MlFrames.session("ml-resume");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void killedFitResumesToTheUninterruptedChecksum() throws Exception {
        Dataset<Row> data = data(spark);
        AtomicInteger cleanRounds = new AtomicInteger();
        TxtrainClassificationModel clean = classifier(tmp.resolve("clean").toString())
                .setListeners(counter(cleanRounds)).fit(data);
        int total = cleanRounds.get();
        assertEquals(EPOCHS * 10, total);

        String dir = tmp.resolve("crashy").toString();
        int printed = 0;
        try (ChildJvm child = ChildJvm.start(ClassifierFitChild.class, new File("target/ml-fit-child.log"), dir)) {
            String line;
            while ((line = child.nextLine(240)) != null && printed < 5) {
                if (line.equals("ROUND")) {
                    printed++;
                }
            }
            child.kill();
        }
        assertEquals(5, printed, "the child committed rounds before the kill; see target/ml-fit-child.log");
        File[] runs = new File(dir).listFiles((d, n) -> n.startsWith("run-"));
        assertEquals(1, runs.length);
        RecoveryPlan beforeResume = RecoveryDirectory.inspect(runs[0].toURI(), new Configuration());
        long committed = beforeResume.lastCommittedRound();
        assertTrue(committed >= 5 && committed < total, "committed " + committed + " of " + total);

        AtomicInteger resumedRounds = new AtomicInteger();
        TxtrainClassificationModel resumed = classifier(dir).setListeners(counter(resumedRounds)).fit(data);
        System.out.printf("resume: killed after %d committed rounds of %d; the re-run resumed from the checkpoint of"
                + " round %d and ran %d rounds%n", committed, total, beforeResume.startRound(), resumedRounds.get());
        assertEquals(clean.parametersSha256(), resumed.parametersSha256());
        // the re-run starts from the newest checkpoint (every 4 rounds) and replays the committed rounds after it
        assertEquals(total - beforeResume.startRound(), resumedRounds.get(), "trained from the last checkpoint on");
        assertEquals(runs[0].getName(), new File(resumed.runDirectory().orElseThrow()).getName());
        RecoveryPlan after = RecoveryDirectory.inspect(runs[0].toURI(), new Configuration());
        assertEquals(total, after.lastCommittedRound());
    }

    private static BaseTrainingListener counter(AtomicInteger rounds) {
        return new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                rounds.incrementAndGet();
            }
        };
    }
}
