package io.txtrain.spark.ml;

import java.io.Serializable;

import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnn3DPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;

/**
 * The sizes a classifier network imposes on a DataFrame: the length of a feature vector and the
 * number of classes (the output layer's size).
 *
 * @param inputSize  features per example, or -1 when the first layer does not say (then rows are
 *                   not checked and the network reports a wrong size itself)
 * @param numClasses the output layer's size; labels must be integers in {@code [0, numClasses)}
 */
record NetworkShape(long inputSize, int numClasses) implements Serializable {

    /** Parses {@code json} (a {@code MultiLayerConfiguration}); fails naming {@code param}. */
    static MultiLayerConfiguration parse(String param, String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidInputException(param + " is not set: give the DL4J network with setNetwork("
                    + "MultiLayerConfiguration) or its JSON with setNetworkConfig(conf.toJson())");
        }
        try {
            return MultiLayerConfiguration.fromJson(json);
        } catch (RuntimeException e) {
            throw new InvalidInputException(param + " is not a DL4J MultiLayerConfiguration in JSON (conf.toJson()): "
                    + e.getMessage(), e);
        }
    }

    /** Reads the shape of a feed-forward (or flattened-image CNN) classifier configuration. */
    static NetworkShape of(MultiLayerConfiguration conf) {
        int layers = conf.getConfs().size();
        if (layers == 0) {
            throw new InvalidInputException("the network configuration has no layers");
        }
        Layer last = conf.getConf(layers - 1).getLayer();
        if (!(last instanceof BaseOutputLayer || last instanceof LossLayer)) {
            throw new InvalidInputException("the network's last layer is a " + last.getClass().getSimpleName()
                    + "; a classifier needs an output layer (e.g. OutputLayer with a softmax activation)");
        }
        long out = ((FeedForwardLayer) last).getNOut();
        if (out < 2 || out > Integer.MAX_VALUE) {
            throw new InvalidInputException("the network's output layer has nOut = " + out
                    + "; a classifier needs one output per class, at least 2");
        }
        return new NetworkShape(inputSize(conf), (int) out);
    }

    private static long inputSize(MultiLayerConfiguration conf) {
        InputPreProcessor pre = conf.getInputPreProcess(0);
        if (pre instanceof FeedForwardToCnnPreProcessor p) {
            return p.getInputHeight() * p.getInputWidth() * p.getNumChannels();
        }
        if (pre instanceof FeedForwardToCnn3DPreProcessor p) {
            return (long) p.getInputDepth() * p.getInputHeight() * p.getInputWidth() * p.getNumChannels();
        }
        Layer first = conf.getConf(0).getLayer();
        if (pre == null && first instanceof FeedForwardLayer f) {
            if (f.getNIn() < 1) {
                throw new InvalidInputException("the network's first layer has no input size (nIn = " + f.getNIn()
                        + "): set nIn or the configuration's setInputType(...)");
            }
            return f.getNIn();
        }
        return -1;
    }

    /** Fails unless a feature vector of {@code size} fits the network (when the network states its size). */
    void checkFeatureSize(String column, long size, String where) {
        if (inputSize >= 0 && size != inputSize) {
            throw new InvalidInputException("features column '" + column + "' has vectors of size " + size
                    + " but the network's input size is " + inputSize + (where == null ? "" : " (" + where + ")"));
        }
    }
}
