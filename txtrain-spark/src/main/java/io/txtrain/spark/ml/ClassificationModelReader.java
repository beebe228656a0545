package io.txtrain.spark.ml;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/** Loads what {@link ClassificationModelWriter} saved: same uid, params and network. */
final class ClassificationModelReader extends MLReader<TxtrainClassificationModel> {

    @Override
    public TxtrainClassificationModel load(String path) {
        DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(),
                TxtrainClassificationModel.class.getName());
        Path file = new Path(path, ClassificationModelWriter.NETWORK_FILE);
        MultiLayerNetwork network;
        try {
            FileSystem fs = file.getFileSystem(sc().hadoopConfiguration());
            try (InputStream in = fs.open(file)) {
                network = ModelSerializer.restoreMultiLayerNetwork(in, false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read the network " + file + ": " + e.getMessage(), e);
        }
        TxtrainClassificationModel model = new TxtrainClassificationModel(metadata.uid(), network, null);
        metadata.getAndSetParams(model, scala.Option.empty());
        return model;
    }
}
