package io.txtrain.spark.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.txtrain.data.IdxDataset;

/** The Fashion-MNIST subset shipped in data/fashion-mnist-subset. */
public final class FashionMnist {
    public static final int CLASSES = 10;

    private FashionMnist() {
    }

    public static String subsetDir() {
        for (String candidate : new String[] {"../data/fashion-mnist-subset", "data/fashion-mnist-subset"}) {
            File f = new File(candidate);
            if (f.isDirectory()) {
                return f.getAbsolutePath();
            }
        }
        throw new IllegalStateException("data/fashion-mnist-subset not found from " + new File(".").getAbsolutePath());
    }

    public static IdxDataset load(String prefix, int limit) {
        try {
            return IdxDataset.load(subsetDir(), prefix, limit, new Configuration());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static MultiLayerConfiguration mlp(int hidden) {
        return new NeuralNetConfiguration.Builder().seed(123).updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(hidden).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }
}
