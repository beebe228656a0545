package io.txtrain.spark.dl4j;

import org.apache.spark.api.java.JavaSparkContext;

/**
 * The Spark side of a {@link RoundStream}: whether a round may run in one, and the one Spark job
 * that runs a stream's rounds ({@link StreamTask} per worker over the round's cached block).
 */
final class StreamJob {
    private static final scala.reflect.ClassTag<Integer> COUNT = scala.reflect.ClassTag$.MODULE$.apply(Integer.class);
    private static final StreamEnd STREAM_END = new StreamEnd();

    private StreamJob() {
    }

    /**
     * Why {@code job}'s round may not run in a stream, or null if it may: it must be averaged on
     * the driver, its tasks in the driver's JVM or, with the plugin ({@code plugin}), its state fit
     * the plugin's channel, and there must be a task slot for every worker now (a stream's tasks
     * wait for each other).
     */
    static String whyNot(JavaSparkContext sc, RoundJob<?> job, boolean plugin) {
        if (job.aggregation() != AggregationSite.DRIVER) {
            return "rounds are averaged on the executors";
        }
        if (!sc.sc().isLocal() && !plugin) {
            return "the txtrain plugin is not in spark.plugins";
        }
        if (!sc.sc().isLocal() && !RoundHandoff.fitsChannel(job.input())) {
            return "the state is over " + (RoundHandoff.CHANNEL_MAX_BYTES >> 20) + " MiB";
        }
        int slots = sc.sc().maxNumConcurrentTasks(sc.sc().resourceProfileManager().defaultResourceProfile());
        int workers = job.data().schedule().workers();
        return slots >= workers ? null : "the cluster has " + slots + " task slot(s) for " + workers + " workers";
    }

    /**
     * Runs {@code stream}'s rounds as one Spark job over {@code job}'s block, each worker's rounds
     * fitted by {@code work}; returns when its tasks end. The caller publishes inputs and takes
     * results through {@code stream}. Closes the stream when the job ends.
     */
    static <P extends java.io.Serializable> void run(JavaSparkContext sc, RoundJob<P> job, RoundStream stream,
                                                     RoundTask<P> work) {
        long last = stream.firstRound + stream.rounds - 1;
        sc.setJobDescription("txtrain rounds " + stream.firstRound + "-" + last + ", epoch " + job.input().epoch
                + ", splits " + (stream.firstSplit + 1) + "-" + (stream.firstSplit + stream.rounds) + "/"
                + job.data().schedule().splitCount());
        try {
            StreamTask<P> task = new StreamTask<>(work, RoundHandoff.JVM, stream);
            sc.sc().runJob(job.data().block(job.split()).rdd()
                    .mapPartitionsWithIndex(new PlainFunctions.WithIndex<>(task), true, COUNT), STREAM_END, COUNT);
        } finally {
            sc.setJobDescription(null);
            stream.close();
        }
    }

    /** Tasks running now in the jobs tagged {@code tag}, as Spark's status store last heard. */
    static int runningTasks(JavaSparkContext sc, String tag) {
        int running = 0;
        for (int jobId : sc.sc().statusTracker().getJobIdsForTag(tag)) {
            scala.Option<org.apache.spark.SparkJobInfo> info = sc.sc().statusTracker().getJobInfo(jobId);
            if (info.isEmpty()) {
                continue;
            }
            for (int stageId : info.get().stageIds()) {
                scala.Option<org.apache.spark.SparkStageInfo> stage = sc.sc().statusTracker().getStageInfo(stageId);
                running += stage.isEmpty() ? 0 : stage.get().numActiveTasks();
            }
        }
        return running;
    }

    /** Drains a stream task's one value (a named class: see {@link PlainFunctions}). */
    private static final class StreamEnd extends scala.runtime.AbstractFunction1<scala.collection.Iterator<Integer>,
            Integer> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public Integer apply(scala.collection.Iterator<Integer> it) {
            int n = 0;
            while (it.hasNext()) {
                n += it.next();
            }
            return n;
        }
    }
}
