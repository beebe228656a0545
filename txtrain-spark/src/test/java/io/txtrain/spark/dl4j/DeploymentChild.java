package io.txtrain.spark.dl4j;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.spark.testing.FashionMnist;
import io.txtrain.spark.testing.SparkTestSupport;

/**
 * A training driver on a chosen deployment, for the tests of deployment independence:
 * args = master (local[N] or local-cluster[W,C,M]), checkpoint dir URI, then spark.txtrain.* settings
 * as key=value. Trains the Fashion-MNIST MLP (64 hidden units, 640 images, two epochs of 5 rounds)
 * with 2 workers. The JVM's OMP_NUM_THREADS (or its absence) is passed on to local-cluster
 * executors unchanged. Prints {@code ROUND r} after each round, {@code JOB <description>} for each
 * txtrain round job started, and {@code FINAL <sha>} at the end.
 */
public final class DeploymentChild {
    static final int EXAMPLES = 640;
    static final int EPOCHS = 2;
    static final int ROUNDS_PER_EPOCH = EXAMPLES / (2 * 32 * 2);

    public static void main(String[] args) {
        String master = args[0];
        SparkConf conf;
        if (master.startsWith("local-cluster[")) {
            String[] p = master.substring(14, master.length() - 1).split(",");
            conf = SparkTestSupport.localClusterConfUnpinned(Integer.parseInt(p[0]), Integer.parseInt(p[1]),
                    Integer.parseInt(p[2]), "deployment-child");
        } else {
            conf = SparkTestSupport.baseConf(master, "deployment-child");
        }
        JavaSparkContext sc = new JavaSparkContext(conf);
        sc.sc().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                String d = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
                if (d != null && d.startsWith("txtrain round")) {
                    System.out.println("JOB " + d);
                    System.out.flush();
                }
            }
        });
        TransactionalTrainingMaster.Builder b = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(32)
                .averagingFrequency(2).rngSeed(12345).checkpointDirectory(args[1]).checkpointPolicy("every-rounds:4")
                .set("spark.txtrain.lease.heartbeat", "200ms").set("spark.txtrain.lease.timeout", "2s");
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            b.set(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        TransactionalTrainingMaster tm = b.build();
        tm.setListeners(List.of(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                System.out.println("ROUND " + tm.committedRound());
                System.out.flush();
            }
        }));
        List<DataSet> examples = new ArrayList<>(FashionMnist.load("train", EXAMPLES).examples(FashionMnist.CLASSES));
        JavaRDD<DataSet> data = sc.parallelize(examples, 2).cache();
        MultiLayerNetwork net = new MultiLayerNetwork(FashionMnist.mlp(64));
        net.init();
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, net, tm);
        for (int e = 0; e < EPOCHS; e++) {
            spark.fit(data);
        }
        System.out.println("FINAL " + tm.parametersSha256());
        System.out.flush();
        tm.close();
        sc.stop();
    }
}
