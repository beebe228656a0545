package io.txtrain.spark.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A small classification problem and network that train in seconds. */
public final class TrainingFixtures {
    public static final int FEATURES = 12;
    public static final int CLASSES = 3;

    private TrainingFixtures() {
    }

    /** Gaussian blobs, one per class; one example per DataSet. Deterministic in {@code seed}. */
    public static List<DataSet> blobs(int n, long seed) {
        Random r = new Random(seed);
        float[][] centres = new float[CLASSES][FEATURES];
        for (float[] c : centres) {
            for (int j = 0; j < FEATURES; j++) {
                c[j] = (float) r.nextGaussian() * 2;
            }
        }
        List<DataSet> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int y = i % CLASSES;
            float[] f = new float[FEATURES];
            for (int j = 0; j < FEATURES; j++) {
                f[j] = centres[y][j] + (float) r.nextGaussian();
            }
            float[] l = new float[CLASSES];
            l[y] = 1;
            out.add(new DataSet(Nd4j.create(f).reshape(1, FEATURES), Nd4j.create(l).reshape(1, CLASSES)));
        }
        return out;
    }

    public static MultiLayerConfiguration mlp(int hidden) {
        return new NeuralNetConfiguration.Builder().seed(42).updater(new Adam(0.01))
                .list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(hidden).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }

    public static MultiLayerNetwork network(int hidden) {
        MultiLayerNetwork net = new MultiLayerNetwork(mlp(hidden));
        net.init();
        return net;
    }

    /** Fraction of {@code data} the network classifies correctly. */
    public static double accuracy(MultiLayerNetwork net, List<DataSet> data) {
        DataSet all = DataSet.merge(data);
        return net.evaluate(new org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator(all)).accuracy();
    }

    /** One fit of {@code net} on {@code data} with {@code tm}; the model's checksum. Closes {@code tm}. */
    public static String fitOnce(org.apache.spark.api.java.JavaSparkContext sc, MultiLayerNetwork net,
                                 org.apache.spark.api.java.JavaRDD<DataSet> data,
                                 io.txtrain.spark.dl4j.TransactionalTrainingMaster tm) {
        try {
            new org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer(sc, net, tm).fit(data);
            return tm.parametersSha256();
        } finally {
            tm.close();
        }
    }
}
