package io.txtrain.spark.ml;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWriter;

/**
 * Saves a {@link TxtrainClassificationModel}: Spark ML's {@code metadata/} (class, uid, params, as
 * {@code DefaultParamsWriter} writes it) and {@code data/network.zip} (the network, DL4J
 * {@code ModelSerializer} format, without updater state). Fails if the path exists, unless
 * {@code overwrite()} was called.
 */
final class ClassificationModelWriter extends MLWriter {
    static final String NETWORK_FILE = "data/network.zip";
    private final TxtrainClassificationModel model;

    ClassificationModelWriter(TxtrainClassificationModel model) {
        this.model = model;
    }

    @Override
    public void saveImpl(String path) {
        DefaultParamsWriter.saveMetadata(model, path, sc(), scala.Option.empty(), scala.Option.empty());
        Path file = new Path(path, NETWORK_FILE);
        try {
            FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
            try (OutputStream out = fs.create(file, false)) {
                out.write(model.serialize());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file + ": " + e.getMessage(), e);
        }
    }
}
