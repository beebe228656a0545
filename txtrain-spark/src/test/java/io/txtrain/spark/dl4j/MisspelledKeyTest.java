package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/** A misspelled spark.txtrain.* key stops the job without the plugin too, naming the closest key. */
class MisspelledKeyTest {
    @TempDir
    Path tmp;

    @Test
    void misspelledKeyInTheBuilderFailsAtBuild() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TransactionalTrainingMaster.Builder(2, 1).set("spark.txtrain.round.maxAtempts", "5").build());
        assertTrue(e.getMessage().contains("unknown configuration key spark.txtrain.round.maxAtempts (did you mean "
                + "spark.txtrain.round.maxAttempts?)"), e.getMessage());
    }

    @Test
    void misspelledKeyInTheSparkConfStopsFitWithoutThePluginAndWritesNothing() {
        Path dir = tmp.resolve("run");
        JavaSparkContext sc = new JavaSparkContext(SparkTestSupport.baseConf("local[2]", "misspelled")
                .set("spark.txtrain.checkpoint.polcy", "every-rounds:1"));
        try {
            TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                    .rngSeed(1).checkpointDirectory(dir.toUri().toString()).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new SparkDl4jMultiLayer(sc, TrainingFixtures.network(8), tm)
                            .fit(sc.parallelize(TrainingFixtures.blobs(32, 1), 2)));
            assertTrue(e.getMessage().contains("unknown configuration key spark.txtrain.checkpoint.polcy (did you mean "
                    + "spark.txtrain.checkpoint.policy?)"), e.getMessage());
            tm.close();
            assertFalse(Files.exists(dir), "nothing is written for a refused configuration");
        } finally {
            sc.stop();
        }
    }
}
