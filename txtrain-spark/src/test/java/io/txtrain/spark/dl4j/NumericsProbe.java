package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.txtrain.spark.testing.FashionMnist;

/**
 * Measurement tool (not a test): fits one worker's round (5 minibatches of 32 Fashion-MNIST images,
 * the example's settings) under different ND4J/BLAS thread settings and prints the resulting state
 * checksum and the largest parameter difference to the first variant. Run it in child JVMs with
 * different OMP_NUM_THREADS to see what the defaults do (bench/numerics-knobs.sh).
 * Arguments: mlp|cnn, then variants among: default, nd4j=N, master=N, blas=N, helpers=on|off,
 * workspaces=none|enabled, pinned (txtrain's NumericsPinning), concurrent=N (N tasks fitting at
 * once in this JVM). Settings accumulate from left to right.
 */
public final class NumericsProbe {
    public static void main(String[] args) throws Exception {
        String kind = args[0];
        List<DataSet> batches = new ArrayList<>();
        var data = FashionMnist.load("train", 160);
        for (int i = 0; i < 5; i++) {
            DataSet ds = data.batch(i * 32, (i + 1) * 32, FashionMnist.CLASSES);
            if (kind.equals("cnn")) {
                ds.setFeatures(ds.getFeatures().reshape(32, 1, 28, 28));
            }
            batches.add(ds);
        }
        MultiLayerConfiguration[] conf = {config(kind)};
        System.out.printf("env OMP_NUM_THREADS=%s nd4j.maxThreads=%d maxMasterThreads=%d blas=%s/%d helpers=%s%n",
                System.getenv("OMP_NUM_THREADS"), Nd4j.getEnvironment().maxThreads(),
                Nd4j.getEnvironment().maxMasterThreads(), Nd4j.factory().blas().getBlasVendor(),
                Nd4j.factory().blas().getMaxThreads(), Nd4j.getEnvironment().helpersAllowed());
        System.out.println("env " + Nd4j.getExecutioner().getEnvironmentInformation());
        float[] reference = null;
        for (int a = 1; a < args.length; a++) {
            String v = args[a];
            int concurrent = 1;
            if (v.startsWith("nd4j=")) {
                Nd4j.getEnvironment().setMaxThreads(Integer.parseInt(v.substring(5)));
            } else if (v.startsWith("master=")) {
                Nd4j.getEnvironment().setMaxMasterThreads(Integer.parseInt(v.substring(7)));
            } else if (v.startsWith("blas=")) {
                Nd4j.factory().blas().setMaxThreads(Integer.parseInt(v.substring(5)));
            } else if (v.startsWith("helpers=")) {
                Nd4j.getEnvironment().allowHelpers(v.endsWith("on"));
            } else if (v.equals("pinned")) {
                NumericsPinning.pin();
            } else if (v.startsWith("workspaces=")) {
                var mode = v.endsWith("none") ? org.deeplearning4j.nn.conf.WorkspaceMode.NONE
                        : org.deeplearning4j.nn.conf.WorkspaceMode.ENABLED;
                conf[0] = config(kind);
                conf[0].setTrainingWorkspaceMode(mode);
                conf[0].setInferenceWorkspaceMode(mode);
            } else if (v.startsWith("concurrent=")) {
                concurrent = Integer.parseInt(v.substring(11));
            }
            ExecutorService pool = Executors.newFixedThreadPool(concurrent);
            List<Future<float[]>> runs = new ArrayList<>();
            for (int t = 0; t < concurrent; t++) {
                MultiLayerConfiguration c = conf[0];
                runs.add(pool.submit((Callable<float[]>) () -> fit(c, batches)));
            }
            List<float[]> results = new ArrayList<>();
            for (Future<float[]> f : runs) {
                results.add(f.get());
            }
            pool.shutdown();
            if (reference == null) {
                reference = results.get(0);
            }
            for (float[] p : results) {
                int differ = 0;
                double max = 0;
                for (int i = 0; i < p.length; i++) {
                    if (Float.floatToRawIntBits(p[i]) != Float.floatToRawIntBits(reference[i])) {
                        differ++;
                        max = Math.max(max, Math.abs(p[i] - reference[i]));
                    }
                }
                System.out.printf("%s %-12s nd4j=%d master=%d blas=%d sha=%s differ=%d/%d max=%.3g%n", kind, v,
                        Nd4j.getEnvironment().maxThreads(), Nd4j.getEnvironment().maxMasterThreads(),
                        Nd4j.factory().blas().getMaxThreads(),
                        StateDigest.hex(StateDigest.of(FlatState.of(Nd4j.create(p)).bytes())).substring(0, 12),
                        differ, p.length, max);
            }
        }
    }

    private static float[] fit(MultiLayerConfiguration conf, List<DataSet> batches) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf.clone());
        net.init();
        Nd4j.getRandom().setSeed(7);
        for (DataSet ds : batches) {
            net.fit(ds);
        }
        return net.params().toFloatVector();
    }

    static MultiLayerConfiguration config(String kind) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(123)
                .updater(new Adam(1e-3)).list();
        if (kind.equals("cnn")) {
            b.layer(new ConvolutionLayer.Builder(5, 5).nOut(8).activation(Activation.RELU).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                            .stride(2, 2).build())
                    .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                            .stride(2, 2).build())
                    .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutional(28, 28, 1));
            return b.build();
        }
        return b.layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }
}
