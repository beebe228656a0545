package io.txtrain.spark.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.factory.Nd4j;

/** The network factories that PySpark's {@code txtrain.networks} calls, and their argument checks. */
class NetworksTest {

    @Test
    void mlpHasTheGivenLayersAndTrainsAsAClassifier() {
        String json = Networks.mlp(784, List.of(64, 32), 10, "TanH", 1e-3, 7);
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(json);
        assertEquals(3, conf.getConfs().size());
        long[][] sizes = new long[3][];
        for (int i = 0; i < 3; i++) {
            FeedForwardLayer l = (FeedForwardLayer) conf.getConf(i).getLayer();
            sizes[i] = new long[] {l.getNIn(), l.getNOut()};
        }
        assertArrayEquals(new long[][] {{784, 64}, {64, 32}, {32, 10}}, sizes);
        assertTrue(((DenseLayer) conf.getConf(0).getLayer()).getActivationFn() instanceof ActivationTanH);
        assertEquals(7, conf.getConf(0).getSeed());
        assertEquals(784, Networks.numFeatures(json));
        assertEquals(10, Networks.numClasses(json));
        assertEquals(json, Networks.validate(json));
        assertEquals(json, Networks.mlp(784, List.of(64, 32), 10, "tanh", 1e-3, 7), "deterministic");

        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertArrayEquals(new long[] {3, 10}, net.output(Nd4j.rand(3, 784)).shape());
    }

    @Test
    void mlpWithoutHiddenLayersIsSoftmaxRegression() {
        String json = Networks.mlp(12, List.of(), 3, "relu", 0.01, 1);
        assertEquals(1, MultiLayerConfiguration.fromJson(json).getConfs().size());
        assertEquals(12, Networks.numFeatures(json));
    }

    @Test
    void lenetTakesFlattenedImages() {
        String json = Networks.lenet(28, 28, 1, 10, 1e-3, 123);
        MultiLayerConfiguration conf = MultiLayerConfiguration.fromJson(json);
        assertTrue(conf.getConf(0).getLayer() instanceof ConvolutionLayer);
        assertEquals(784, Networks.numFeatures(json));
        assertEquals(10, Networks.numClasses(json));
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertArrayEquals(new long[] {2, 10}, net.output(Nd4j.rand(2, 784)).shape());
        assertEquals(16 * 16 * 3, Networks.numFeatures(Networks.lenet(16, 16, 3, 2, 1e-3, 1)));
    }

    @Test
    void badArgumentsNameTheArgumentAndWhatIsAllowed() {
        assertMessage(() -> Networks.mlp(0, List.of(8), 10, "relu", 1e-3, 1), "numInputs = 0: expected at least 1");
        assertMessage(() -> Networks.mlp(4, List.of(8, 0), 10, "relu", 1e-3, 1),
                "hidden = [8, 0]: layer 1 has size 0");
        assertMessage(() -> Networks.mlp(4, List.of(8), 1, "relu", 1e-3, 1),
                "numClasses = 1: a classifier needs at least 2 classes");
        assertMessage(() -> Networks.mlp(4, List.of(8), 3, "rectifier", 1e-3, 1),
                "activation 'rectifier' is not a DL4J activation: expected one of");
        assertMessage(() -> Networks.mlp(4, List.of(8), 3, "relu", 0, 1), "learningRate = 0.0: expected a finite");
        assertMessage(() -> Networks.mlp(4, List.of(8), 3, "relu", Double.NaN, 1), "learningRate = NaN");
        assertMessage(() -> Networks.lenet(12, 28, 1, 10, 1e-3, 1), "lenet needs images of at least 16x16");
        assertMessage(() -> Networks.lenet(28, 28, 0, 10, 1e-3, 1), "channels = 0");
        assertMessage(() -> Networks.validate("{not json"), "networkConfig is not a DL4J MultiLayerConfiguration");
        assertMessage(() -> Networks.validate(""), "networkConfig is not set");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        InvalidInputException e = assertThrows(InvalidInputException.class, call);
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
