package io.txtrain.spark.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * A fit without {@code numWorkers} takes Spark's default parallelism when its run starts; the same
 * fit on a cluster of another size (a restarted notebook on fewer executors) finds the same run
 * directory and keeps the run's worker count, instead of starting another run.
 */
class ClassifierDefaultWorkersTest {
    @TempDir
    Path tmp;

    private TxtrainClassificationModel fit(String master, AtomicInteger rounds) {
        SparkSession spark = SparkSession.builder().config(SparkTestSupport.baseConf(master, "default-workers"))
                .getOrCreate();
        try {
            return new TxtrainClassifier().setNetwork(TrainingFixtures.mlp(8)).setEpochs(1).setBatchSizePerWorker(8)
                    .setAveragingFrequency(2).setSeed(3).setCheckpointDir(tmp.toString())
                    .setListeners(new BaseTrainingListener() {
                        @Override
                        public void iterationDone(Model model, int iteration, int epoch) {
                            rounds.incrementAndGet();
                        }
                    }).fit(MlFrames.blobs(spark, 0, 192, 5, 3));
        } finally {
            spark.stop();
        }
    }

    @Test
    void fitWithoutNumWorkersKeepsItsRunOnAClusterOfAnotherSize() {
        AtomicInteger first = new AtomicInteger();
        TxtrainClassificationModel onThree = fit("local[3]", first);
        assertEquals(192 / (3 * 8 * 2), first.get(), "3 workers' rounds");
        AtomicInteger second = new AtomicInteger();
        TxtrainClassificationModel onTwo = fit("local[2]", second);
        assertEquals(onThree.runDirectory(), onTwo.runDirectory(), "the same run");
        assertEquals(0, second.get(), "the finished run is returned, nothing trains");
        assertEquals(onThree.parametersSha256(), onTwo.parametersSha256());
    }
}
