package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/** SparkComputationGraph (DataSet and MultiDataSet) and fitPaths go through the same transactional rounds. */
class GraphAndPathsTest {
    static JavaSparkContext sc;
    static List<DataSet> examples;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = SparkTestSupport.local(2, 1, "graph-and-paths");
        examples = TrainingFixtures.blobs(128, 11);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    static ComputationGraph graph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(0.01))
                .graphBuilder().addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(TrainingFixtures.FEATURES).nOut(16)
                        .activation(Activation.TANH).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16)
                        .nOut(TrainingFixtures.CLASSES).activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static TransactionalTrainingMaster master(String name) {
        return LocalDeterminismTest.master(tmp.resolve(name)).build();
    }

    private static String graphRun(String name, boolean multi) {
        TransactionalTrainingMaster tm = master(name);
        SparkComputationGraph net = new SparkComputationGraph(sc, graph(), tm);
        if (multi) {
            List<MultiDataSet> mds = new ArrayList<>();
            for (DataSet d : examples) {
                mds.add(new org.nd4j.linalg.dataset.MultiDataSet(d.getFeatures(), d.getLabels()));
            }
            net.fitMultiDataSet(sc.parallelize(mds, 2));
        } else {
            net.fit(sc.parallelize(examples, 2));
        }
        String sha = tm.parametersSha256();
        tm.close();
        return sha;
    }

    @Test
    void computationGraphWithDataSetsAndMultiDataSetsIsReproducible() {
        String a = graphRun("g1", false);
        assertEquals(a, graphRun("g2", false));
        String m = graphRun("m1", true);
        assertEquals(m, graphRun("m2", true));
        assertEquals(a, m, "the same examples as DataSets or MultiDataSets train identically");
    }

    @Test
    void fitPathsTrainsLikeTheInMemoryData() throws Exception {
        File dir = tmp.resolve("datasets").toFile();
        dir.mkdirs();
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            File f = new File(dir, String.format("ds-%04d.bin", i));
            examples.get(i).save(f);
            paths.add(f.toURI().toString());
        }
        JavaRDD<String> pathRdd = sc.parallelize(paths, 2);
        TransactionalTrainingMaster tm = master("paths");
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), tm);
        net.fitPaths(pathRdd);
        String fromPaths = tm.parametersSha256();
        tm.close();

        TransactionalTrainingMaster mem = master("memory");
        new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), mem).fit(sc.parallelize(examples, 2));
        assertEquals(mem.parametersSha256(), fromPaths);
        mem.close();
    }
}
