package io.txtrain.spark.dl4j;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * A training driver for crash tests: args = checkpoint dir URI, epochs, hidden units and optionally
 * the lease timeout (default 2s; the heartbeat is 200ms). Prints
 * {@code ROUND r} after each round is committed and {@code FINAL <sha>} at the end.
 */
public final class TrainingChild {
    public static void main(String[] args) {
        String dir = args[0];
        int epochs = Integer.parseInt(args[1]);
        int hidden = Integer.parseInt(args[2]);
        String leaseTimeout = args.length > 3 ? args[3] : "2s";
        JavaSparkContext sc = SparkTestSupport.local(2, 1, "training-child");
        TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8)
                .averagingFrequency(2).rngSeed(99).checkpointDirectory(dir).checkpointPolicy("every-rounds:3")
                .set("spark.txtrain.lease.heartbeat", "200ms").set("spark.txtrain.lease.timeout", leaseTimeout).build();
        tm.setListeners(java.util.List.of(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                System.out.println("ROUND " + tm.committedRound());
                System.out.flush();
            }
        }));
        JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(480, 7), 3).cache();
        SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(hidden), tm);
        for (int e = 0; e < epochs; e++) {
            net.fit(data);
        }
        System.out.println("FINAL " + tm.parametersSha256());
        System.out.flush();
        tm.close();
        sc.stop();
    }
}
