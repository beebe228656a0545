package io.txtrain.spark.dl4j;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import io.txtrain.core.checkpoint.VerifiedCheckpoint;

/**
 * A checkpoint written by the DL4J trainer, read back as a network: the configuration from the
 * {@code config} blob, the parameters and updater state from {@code params} and {@code updater},
 * and the iteration and epoch counters from {@code cursor} (so that an updater such as Adam
 * continues with the right bias correction).
 */
public final class CheckpointModel {
    /** Run attribute in FORMAT that names the network type ({@code MULTI_LAYER} or {@code GRAPH}). */
    public static final String KIND_ATTRIBUTE = "model.kind";

    private final ModelAdapter model;
    private final TrainingCursor cursor;

    private CheckpointModel(ModelAdapter model, TrainingCursor cursor) {
        this.model = model;
        this.cursor = cursor;
    }

    /**
     * Rebuilds the network of a checkpoint.
     *
     * @param kind  the run's {@value #KIND_ATTRIBUTE} attribute, or null to tell from the configuration
     * @param blobs the checkpoint's verified blobs
     * @throws IllegalArgumentException if the blobs are not those of the DL4J trainer
     */
    public static CheckpointModel restore(String kind, Map<String, byte[]> blobs) {
        for (String b : new String[] {TrainingRun.BLOB_CONFIG, TrainingRun.BLOB_PARAMS, TrainingRun.BLOB_UPDATER,
                TrainingRun.BLOB_CURSOR}) {
            if (!blobs.containsKey(b)) {
                throw new IllegalArgumentException("the checkpoint has no '" + b + "' blob (it has " + blobs.keySet()
                        + "); it was not written by txtrain's DL4J trainer");
            }
        }
        String json = new String(blobs.get(TrainingRun.BLOB_CONFIG), StandardCharsets.UTF_8);
        ModelAdapter.Kind k = kind != null ? ModelAdapter.Kind.valueOf(kind)
                : json.contains("\"vertices\"") ? ModelAdapter.Kind.GRAPH : ModelAdapter.Kind.MULTI_LAYER;
        ModelAdapter model = ModelAdapter.create(k, json);
        FlatState params = FlatState.decode(blobs.get(TrainingRun.BLOB_PARAMS));
        if (params.length() != model.model().numParams()) {
            throw new IllegalArgumentException("the checkpoint has " + params.length() + " parameters, its"
                    + " configuration " + model.model().numParams());
        }
        model.setParams(params);
        model.setUpdaterState(FlatState.decode(blobs.get(TrainingRun.BLOB_UPDATER)));
        TrainingCursor cursor = TrainingCursor.decode(blobs.get(TrainingRun.BLOB_CURSOR));
        model.setCounters(cursor.iteration(), Math.max(0, cursor.epoch()));
        return new CheckpointModel(model, cursor);
    }

    /** A {@code MultiLayerNetwork} or a {@code ComputationGraph}. */
    public Model network() {
        return model.model();
    }

    public boolean isGraph() {
        return model.model() instanceof ComputationGraph;
    }

    /** The committed round this state is the result of (0: the initial state). */
    public long round() {
        return cursor.round();
    }

    /** Training epoch (fit call, 0-based) of that round; -1 for the initial state. */
    public int trainingEpoch() {
        return cursor.epoch();
    }

    public int iteration() {
        return cursor.iteration();
    }

    /** SHA-256 of the parameters, as {@link TransactionalTrainingMaster#parametersSha256()} prints it. */
    public String parametersSha256() {
        return StateDigest.hex(StateDigest.of(model.params()));
    }

    /** Writes a standard DL4J model zip with the updater state, for {@code ModelSerializer.restore…}. */
    public void writeModelZip(File file) throws IOException {
        ModelSerializer.writeModel(model.model(), file, true);
    }

    /**
     * Checks that a checkpoint's manifest state checksum is the SHA-256 of its parameters and
     * updater state, as the trainer computes it.
     *
     * @return null if it is (or the checkpoint has no such blobs), otherwise the difference
     */
    public static String checkStateChecksum(VerifiedCheckpoint cp) {
        byte[] p = cp.blobs().get(TrainingRun.BLOB_PARAMS);
        byte[] u = cp.blobs().get(TrainingRun.BLOB_UPDATER);
        if (p == null || u == null) {
            return null;
        }
        MessageDigest md = sha256();
        md.update(p);
        md.update(u);
        String actual = StateDigest.hex(md.digest());
        String expected = cp.manifest().stateChecksumHex();
        return actual.equals(expected) ? null : "the SHA-256 of the params and updater blobs is " + actual
                + ", the manifest's state checksum " + expected;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
