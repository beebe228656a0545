package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.txtrain.core.checkpoint.CheckpointRef;
import io.txtrain.core.checkpoint.Manifest;
import io.txtrain.core.checkpoint.VerifiedCheckpoint;
import io.txtrain.spark.testing.TrainingFixtures;

/** A ComputationGraph checkpoint, as the trainer writes it, restored and written as a DL4J zip. */
class CheckpointModelTest {
    @TempDir
    Path tmp;

    static ComputationGraph trainedGraph() {
        ComputationGraph g = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(5).updater(new Adam(0.01))
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(TrainingFixtures.FEATURES).nOut(8)
                        .activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8)
                        .nOut(TrainingFixtures.CLASSES).activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build());
        g.init();
        for (var ds : TrainingFixtures.blobs(12, 3)) {
            g.fit(ds); // the updater state becomes non-zero
        }
        return g;
    }

    static Map<String, byte[]> blobs(ComputationGraph g, TrainingCursor cursor) {
        Map<String, byte[]> b = new HashMap<>();
        b.put(TrainingRun.BLOB_CONFIG, g.getConfiguration().toJson().getBytes(StandardCharsets.UTF_8));
        b.put(TrainingRun.BLOB_PARAMS, FlatState.of(g.params()).encode());
        b.put(TrainingRun.BLOB_UPDATER, FlatState.of(g.getUpdater().getStateViewArray()).encode());
        b.put(TrainingRun.BLOB_CURSOR, cursor.encode());
        return b;
    }

    @Test
    void aGraphCheckpointBecomesAZipThatRestoreComputationGraphLoads() throws Exception {
        ComputationGraph g = trainedGraph();
        Map<String, byte[]> blobs = blobs(g, new TrainingCursor(7, 0, 6, 7, 14));
        for (String kind : new String[] {"GRAPH", null}) {
            CheckpointModel m = CheckpointModel.restore(kind, blobs);
            assertTrue(m.isGraph());
            assertEquals(7, m.round());
            assertEquals(StateDigest.hex(StateDigest.of(FlatState.of(g.params()).bytes())), m.parametersSha256());
            File zip = tmp.resolve("graph-" + kind + ".zip").toFile();
            m.writeModelZip(zip);
            ComputationGraph back = ModelSerializer.restoreComputationGraph(zip, true);
            assertArrayEquals(FlatState.of(g.params()).bytes(), FlatState.of(back.params()).bytes());
            assertArrayEquals(FlatState.of(g.getUpdater().getStateViewArray()).bytes(),
                    FlatState.of(back.getUpdater().getStateViewArray()).bytes());
            assertEquals(14, back.getConfiguration().getIterationCount());
        }
    }

    @Test
    void blobsOfAnotherTrainerAreRefusedAndTheStateChecksumIsChecked() {
        ComputationGraph g = trainedGraph();
        Map<String, byte[]> blobs = blobs(g, new TrainingCursor(7, 0, 6, 7, 14));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CheckpointModel.restore(null, Map.of("weights", new byte[4])));
        assertTrue(e.getMessage().contains("no 'config' blob"), e.getMessage());

        byte[] checksum = StateDigest.of(FlatState.of(g.params()), FlatState.of(g.getUpdater().getStateViewArray()));
        CheckpointRef ref = new CheckpointRef(7, 1, new org.apache.hadoop.fs.Path("/x"), 0);
        assertNull(CheckpointModel.checkStateChecksum(new VerifiedCheckpoint(ref,
                new Manifest(7, 1, 0, checksum, List.of()), blobs)));
        checksum[0] ^= 1;
        String why = CheckpointModel.checkStateChecksum(new VerifiedCheckpoint(ref,
                new Manifest(7, 1, 0, checksum, List.of()), blobs));
        assertTrue(why != null && why.contains("the manifest's state checksum"), why);
    }
}
