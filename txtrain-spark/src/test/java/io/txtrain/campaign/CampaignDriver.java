package io.txtrain.campaign;

import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.spark.dl4j.TransactionalTrainingMaster;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * The campaign's training job: a Spark driver on {@code local-cluster[2,1,1024]} (executors are
 * their own JVMs) with the txtrain plugin, training on a checkpoint directory. Prints
 * {@code STARTED} once its executors are up, then {@code ROUND r} after each committed round, {@code FINAL <sha256>} at the
 * end, or {@code ERROR <message chain>} and exit code 3 if training stopped with an exception.
 * With {@code gate} as the fifth argument it waits for a line on stdin after {@code STARTED}.
 * args: dirUri epochs hidden [checkpointsToRetain [gate]]
 */
public final class CampaignDriver {
    public static final int EXAMPLES = 480;
    public static final int WORKERS = 2;
    public static final int BATCH = 8;
    public static final int AVERAGING = 2;

    private CampaignDriver() {
    }

    /** Committed rounds of a complete run. */
    public static long rounds(int epochs) {
        return (long) epochs * EXAMPLES / (WORKERS * BATCH * AVERAGING);
    }

    public static void main(String[] args) {
        String dir = args[0];
        int epochs = Integer.parseInt(args[1]);
        int hidden = Integer.parseInt(args[2]);
        String retain = args.length > 3 ? args[3] : "2";
        SparkConf conf = SparkTestSupport.localClusterConf(WORKERS, 1024, "txtrain-campaign")
                .set("spark.plugins", "io.txtrain.spark.plugin.TxtrainPlugin");
        for (String[] kv : HdfsServer.CLIENT_CONF) {
            conf.set("spark.hadoop." + kv[0], kv[1]);
        }
        int code = 0;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(EXAMPLES, 7), 3).cache();
            data.count(); // executors up: they take tens of seconds to start on a loaded machine
            System.out.println("STARTED");
            System.out.flush();
            if (args.length > 4 && args[4].equals("gate")) {
                new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
            }
            TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(WORKERS, 1)
                    .batchSizePerWorker(BATCH).averagingFrequency(AVERAGING).rngSeed(99).checkpointDirectory(dir)
                    .checkpointPolicy("every-rounds:3").set("spark.txtrain.log.segmentBytes", "4096")
                    .set("spark.txtrain.checkpoint.retain", retain)
                    .set("spark.txtrain.lease.heartbeat", "200ms").set("spark.txtrain.lease.timeout", "2s").build();
            try {
                tm.setListeners(List.of(new BaseTrainingListener() {
                    @Override
                    public void iterationDone(Model model, int iteration, int epoch) {
                        System.out.println("ROUND " + tm.committedRound());
                        System.out.flush();
                    }
                }));
                SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(hidden), tm);
                for (int e = 0; e < epochs; e++) {
                    net.fit(data);
                }
                System.out.println("FINAL " + tm.parametersSha256());
            } finally {
                tm.close();
            }
        } catch (Throwable t) {
            StringBuilder msg = new StringBuilder();
            for (Throwable c = t; c != null; c = c.getCause()) {
                msg.append(msg.length() == 0 ? "" : " <- ").append(c.getClass().getSimpleName()).append(": ")
                        .append(String.valueOf(c.getMessage()).split("\n", 2)[0]); // no remote stack traces
            }
            System.out.println("ERROR " + msg);
            code = 3;
        }
        System.out.flush();
        System.exit(code);
    }
}
