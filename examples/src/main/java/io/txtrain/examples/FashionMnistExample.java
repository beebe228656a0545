package io.txtrain.examples;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import io.txtrain.data.IdxDataset;
import io.txtrain.spark.dl4j.TrainingStoppedException;
import io.txtrain.spark.dl4j.TransactionalTrainingMaster;

/**
 * Fashion-MNIST classification with DL4J on Spark through txtrain's transactional master. Run it
 * again with the same checkpoint directory and it resumes; after a finished run it ends at once
 * with the same final line.
 */
public final class FashionMnistExample {
    private FashionMnistExample() {
    }

    /**
     * Exit codes: 0 trained (or the run was already finished), 1 an error (one line on stderr naming
     * what to fix; --verbose adds the stack trace), 2 a usage error, including an --epochs below what
     * the checkpoint directory already holds, 128+N stopped by signal N (resumable).
     */
    public static void main(String[] argv) {
        List<String> rest = new ArrayList<>(Arrays.asList(argv));
        boolean verbose = rest.remove("--verbose");
        int code;
        try {
            code = run(rest.toArray(new String[0]));
        } catch (UsageError e) {
            System.err.println("txtrain-example: " + e.getMessage());
            System.err.println("(txtrain-example --help lists the options)");
            code = 2;
        } catch (Exception e) {
            System.err.println("txtrain-example: error: " + UserErrors.describe(e));
            if (verbose) {
                e.printStackTrace();
            } else {
                System.err.println("(txtrain-example --verbose prints the stack trace)");
            }
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        if (code != 0) {
            System.exit(code);
        }
    }

    private static int run(String[] argv) throws Exception {
        ExampleArgs args;
        try {
            args = ExampleArgs.parse(argv);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        if (args == null) {
            return 0;
        }
        SparkConf conf = new SparkConf().setAppName("txtrain Fashion-MNIST " + args.model());
        if (!conf.contains("spark.master")) {
            conf.setMaster(args.master());
        }
        conf.setIfMissing("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            System.out.printf("txtrain example: model %s, %d epoch(s), data %s, checkpoints %s, master %s%n",
                    args.model(), args.epochs(), args.data(), args.checkpointDir(), sc.master());
            IdxDataset train = IdxDataset.load(args.data(), "train", args.limit(), sc.hadoopConfiguration());
            IdxDataset test = IdxDataset.load(args.data(), "t10k", 0, sc.hadoopConfiguration());
            // each partition reads its slice of the files on the executor: no images inside Spark tasks.
            // Executors have their own working directories: a relative path is made absolute here (on a
            // cluster, --data must be where every executor can read it, e.g. hdfs://)
            String data = qualified(args.data(), sc.hadoopConfiguration());
            JavaRDD<DataSet> trainRdd = IdxSlices.rdd(sc, data, "train", args.limit(), 10,
                    Math.max(2, sc.defaultParallelism()));
            TransactionalTrainingMaster tm = new TransactionalTrainingMaster.Builder(args.workers(), 1)
                    .batchSizePerWorker(32).averagingFrequency(5).rngSeed(12345)
                    .checkpointDirectory(args.checkpointDir()).build();
            long roundsPerEpoch = (train.size() + 32L * 5 * args.workers() - 1) / (32L * 5 * args.workers());
            Progress progress = new Progress(tm, args.epochs(), roundsPerEpoch * args.epochs());
            tm.setListeners(List.of(progress));
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, network(args.model()), tm);
            int[] signal = {0};
            StopSignals.install(sig -> {
                signal[0] = sig;
                tm.requestStop(); // finish the round in progress, then stop
            });
            try {
                for (int e = 0; e < args.epochs(); e++) {
                    net.fit(trainRdd);
                }
            } catch (TrainingStoppedException stopped) {
                tm.close();
                System.out.println("interrupted: stopped cleanly after round " + stopped.lastCommittedRound()
                        + "; run the same command again to resume");
                System.out.flush();
                sc.stop();
                return 128 + signal[0];
            } catch (RuntimeException e) {
                tm.close();
                throw e;
            }
            if (tm.epochsStarted() > args.epochs()) {
                int started = tm.epochsStarted();
                String holds = tm.completedEpochs() == started ? "already holds " + started + " trained epochs"
                        : "has already trained into epoch " + started;
                long round = tm.committedRound();
                tm.close();
                throw new UsageError("checkpoint directory " + args.checkpointDir() + " " + holds + " (round " + round
                        + "), more than --epochs " + args.epochs() + "; nothing was trained and no model is reported."
                        + " Use --epochs " + started + " or more to continue that run, or a new --checkpoint-dir to"
                        + " train " + args.epochs() + " epoch(s).");
            }
            Evaluation ev = net.getNetwork().evaluate(new SingletonDataSetIterator(test.batch(0, test.size(), 10)));
            System.out.printf(Locale.ROOT, "test accuracy %.4f on %d images; %d rounds committed, %d aborted%n",
                    ev.accuracy(), test.size(), tm.committedRound(), tm.abortedRounds());
            String sha = tm.parametersSha256();
            tm.close();
            System.out.println("model sha256=" + sha);
            return 0;
        }
    }

    /** A mistake in the command line: exit code 2. */
    static final class UsageError extends Exception {
        UsageError(String message) {
            super(message);
        }
    }

    /** The example networks: "mlp" (784-256-10) or "cnn" (LeNet-like). */
    public static MultiLayerConfiguration network(String model) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(123)
                .updater(new Adam(1e-3)).list();
        if (model.equals("cnn")) {
            b.layer(new ConvolutionLayer.Builder(5, 5).nOut(8).activation(Activation.RELU).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                    .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                    .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                    .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                            .activation(Activation.SOFTMAX).build())
                    .setInputType(InputType.convolutionalFlat(28, 28, 1));
        } else {
            b.layer(new DenseLayer.Builder().nIn(784).nOut(256).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(10)
                            .activation(Activation.SOFTMAX).build());
        }
        return b.build();
    }

    /**
     * One line per committed round: epoch (from 1), round, loss, elapsed and estimated remaining time.
     * Rounds re-executed after a restart are shown as replays, and the estimate uses new rounds only.
     */
    private static final class Progress extends BaseTrainingListener {
        private final TransactionalTrainingMaster tm;
        private final int epochs;
        private final long totalRounds;
        private final long start = System.nanoTime();
        private long newRoundsStart = System.nanoTime();
        private long newRounds;

        Progress(TransactionalTrainingMaster tm, int epochs, long totalRounds) {
            this.tm = tm;
            this.epochs = epochs;
            this.totalRounds = totalRounds;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            long round = tm.committedRound();
            double elapsed = (System.nanoTime() - start) / 1e9;
            if (tm.replaying()) {
                System.out.printf(Locale.ROOT, "replayed round %4d/%d  loss %.4f  (committed before the restart;"
                        + " re-executed and checked)%n", round, totalRounds, model.score());
                newRoundsStart = System.nanoTime();
                return;
            }
            newRounds++;
            double perRound = (System.nanoTime() - newRoundsStart) / 1e9 / newRounds;
            System.out.printf(Locale.ROOT, "epoch %d/%d  round %4d/%d  loss %.4f  elapsed %.1fs  remaining ~%.0fs%n",
                    epoch + 1, epochs, round, totalRounds, model.score(), elapsed,
                    Math.max(0, totalRounds - round) * perRound);
        }
    }

    /** Command-line options. */
    /** {@code dir} as an absolute URI of its file system (a relative local path against this JVM's directory). */
    static String qualified(String dir, org.apache.hadoop.conf.Configuration conf) throws java.io.IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
        return p.getFileSystem(conf).makeQualified(p).toString();
    }

    record ExampleArgs(String checkpointDir, int epochs, String data, String model, String master, int workers,
                       int limit) {
        static final String USAGE = String.join("\n",
                "usage: txtrain-example [options]",
                "  --checkpoint-dir DIR   checkpoint directory, local path or hdfs:// URI (default ./txtrain-checkpoints)",
                "  --epochs N             epochs to train (default 2)",
                "  --data PATH_OR_URI     folder with Fashion-MNIST IDX files (default data/fashion-mnist-subset)",
                "  --model mlp|cnn        network (default mlp)",
                "  --master URL           Spark master when not set by spark-submit (default local[2])",
                "  --workers N            parameter-averaging workers (default 2)",
                "  --limit N              use at most N training images (default all)",
                "  --verbose              print the stack trace of an error",
                "  --help                 this text",
                "",
                "Exit codes: 0 done, 1 error, 2 usage error (also: --epochs below what the directory already holds),",
                "128+N stopped by signal N (run the same command again to resume).");
        static final java.util.Set<String> KNOWN = java.util.Set.of("--checkpoint-dir", "--epochs", "--data",
                "--model", "--master", "--workers", "--limit");

        static ExampleArgs parse(String[] a) {
            String dir = new File("txtrain-checkpoints").getAbsolutePath();
            int epochs = 2;
            String data = "data/fashion-mnist-subset";
            String model = "mlp";
            String master = "local[2]";
            int workers = 2;
            int limit = 0;
            for (int i = 0; i < a.length; i++) {
                String opt = a[i];
                if (opt.equals("--help") || opt.equals("-h")) {
                    System.out.println(USAGE);
                    return null;
                }
                if (i + 1 >= a.length) {
                    throw new IllegalArgumentException(opt.startsWith("--") && !KNOWN.contains(opt)
                            ? "unknown option " + opt : opt + " needs a value");
                }
                String v = a[++i];
                switch (opt) {
                    case "--checkpoint-dir" -> dir = v;
                    case "--epochs" -> epochs = positive(opt, v);
                    case "--data" -> data = v;
                    case "--model" -> {
                        if (!v.equals("mlp") && !v.equals("cnn")) {
                            throw new IllegalArgumentException("--model '" + v + "': expected mlp | cnn");
                        }
                        model = v;
                    }
                    case "--master" -> master = v;
                    case "--workers" -> workers = positive(opt, v);
                    case "--limit" -> limit = positive(opt, v);
                    default -> throw new IllegalArgumentException("unknown option " + opt);
                }
            }
            return new ExampleArgs(dir, epochs, data, model, master, workers, limit);
        }

        private static int positive(String opt, String v) {
            try {
                int n = Integer.parseInt(v);
                if (n >= 1) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new IllegalArgumentException(opt + " '" + v + "': expected an integer >= 1");
        }
    }
}
