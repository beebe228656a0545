package io.txtrain.spark.ml;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Common classifier networks for {@link TxtrainClassifier#setNetworkConfig(String)}, as DL4J
 * {@code MultiLayerConfiguration} JSON, for callers that cannot use DL4J's builders (PySpark
 * through Py4J, configuration files). Each network trains with Adam, ends in a softmax output layer
 * with a cross-entropy loss, and takes flattened feature vectors; {@code seed} fixes its initial
 * weights.
 *
 * <p>Failures: every method throws {@link InvalidInputException} (an
 * {@code IllegalArgumentException}) naming the argument, its value and what is allowed; nothing is
 * built from an invalid argument.
 */
public final class Networks {
    /** The smallest image side {@link #lenet} takes: two 5x5 convolutions and two 2x2 poolings. */
    static final int LENET_MIN_SIDE = 16;

    private Networks() {
    }

    /**
     * A multilayer perceptron: {@code hidden.size()} dense layers (sizes in order, may be none) with
     * {@code activation}, then the softmax output layer.
     *
     * @param activation a DL4J activation name, case-insensitive (e.g. {@code relu}, {@code tanh})
     */
    public static String mlp(int numInputs, List<Integer> hidden, int numClasses, String activation,
                             double learningRate, long seed) {
        positive("numInputs", numInputs);
        classes(numClasses);
        Activation act = activation(activation);
        if (hidden == null) {
            throw new InvalidInputException("hidden is null: expected a list of layer sizes (may be empty)");
        }
        List<Integer> sizes = new ArrayList<>(hidden);
        for (int i = 0; i < sizes.size(); i++) {
            if (sizes.get(i) == null || sizes.get(i) < 1) {
                throw new InvalidInputException("hidden = " + sizes + ": layer " + i + " has size " + sizes.get(i)
                        + "; every hidden layer needs at least 1 unit");
            }
        }
        NeuralNetConfiguration.ListBuilder b = builder(learningRate, seed);
        long in = numInputs;
        for (int size : sizes) {
            b.layer(new DenseLayer.Builder().nIn(in).nOut(size).activation(act).build());
            in = size;
        }
        b.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(numClasses)
                .activation(Activation.SOFTMAX).build());
        return b.build().toJson();
    }

    /**
     * A LeNet-style convolutional network for {@code height x width} images with {@code channels}
     * channels, given as flattened vectors of {@code height * width * channels} values (row by row,
     * as Fashion-MNIST's IDX files hold them): 5x5 convolution (8 filters), 2x2 max pooling, 5x5
     * convolution (16 filters), 2x2 max pooling, a dense layer of 64 ReLU units, the output layer.
     * Both sides must be at least 16.
     */
    public static String lenet(int height, int width, int channels, int numClasses, double learningRate,
                               long seed) {
        if (height < LENET_MIN_SIDE || width < LENET_MIN_SIDE) {
            throw new InvalidInputException("lenet needs images of at least " + LENET_MIN_SIDE + "x" + LENET_MIN_SIDE
                    + " (two 5x5 convolutions and two 2x2 poolings); got height = " + height + ", width = " + width);
        }
        positive("channels", channels);
        classes(numClasses);
        MultiLayerConfiguration conf = builder(learningRate, seed)
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(numClasses)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(height, width, channels))
                .build();
        return conf.toJson();
    }

    /**
     * Checks that {@code json} is a classifier configuration {@link TxtrainClassifier} can train
     * (it parses, ends in an output layer of at least two classes, and states its input size, where
     * its first layer needs one) and returns it unchanged.
     */
    public static String validate(String json) {
        NetworkShape.of(NetworkShape.parse("networkConfig", json));
        return json;
    }

    /** The feature vector size {@code json} takes, or -1 when its first layer does not say. */
    public static long numFeatures(String json) {
        return NetworkShape.of(NetworkShape.parse("networkConfig", json)).inputSize();
    }

    /** The number of classes (the output layer's size) of {@code json}. */
    public static int numClasses(String json) {
        return NetworkShape.of(NetworkShape.parse("networkConfig", json)).numClasses();
    }

    private static NeuralNetConfiguration.ListBuilder builder(double learningRate, long seed) {
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new InvalidInputException("learningRate = " + learningRate + ": expected a finite number > 0");
        }
        return new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(learningRate)).list();
    }

    private static Activation activation(String name) {
        String allowed = String.join(", ", Arrays.stream(Activation.values())
                .map(a -> a.name().toLowerCase(Locale.ROOT)).toList());
        if (name == null) {
            throw new InvalidInputException("activation is null: expected one of " + allowed);
        }
        try {
            return Activation.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("activation '" + name + "' is not a DL4J activation: expected one of "
                    + allowed);
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new InvalidInputException(name + " = " + value + ": expected at least 1");
        }
    }

    private static void classes(int numClasses) {
        if (numClasses < 2) {
            throw new InvalidInputException("numClasses = " + numClasses + ": a classifier needs at least 2 classes");
        }
    }
}
