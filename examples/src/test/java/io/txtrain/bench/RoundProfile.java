package io.txtrain.bench;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskInfo;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.stats.EventStats;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.data.IdxDataset;
import io.txtrain.examples.FashionMnistExample;
import io.txtrain.spark.dl4j.TransactionalTrainingMaster;
import scala.collection.JavaConverters;

/**
 * Where one round's time goes, for txtrain and for plain DL4J parameter averaging: a Spark listener
 * records every job and task of a fit; the trainers' own statistics give the workers' fit time.
 * Per round (median over the fit's round jobs): the driver's time between round jobs (aggregation,
 * checksum, commit, apply, broadcast creation), job submission to first task launch (scheduling,
 * locality wait), task deserialization, task run time outside the fit (broadcast fetch, reading the
 * partition, setting the state, building the result), the fit, result serialization, result transfer
 * (launch to finish minus what the executor reports), and last task to job end.
 *
 * <p>args: dataDir images master workers batchPerWorker averagingFrequency plainApproach repeats
 */
public final class RoundProfile {
    private static final String TX = "txtrain";
    private static final String PATM = "PATM";

    public static void main(String[] a) throws Exception {
        String data = a[0];
        int n = Integer.parseInt(a[1]);
        String master = a[2];
        int workers = Integer.parseInt(a[3]);
        int batch = Integer.parseInt(a[4]);
        int avg = Integer.parseInt(a[5]);
        String approach = a[6];
        int repeats = Integer.parseInt(a[7]);
        // DL4J's statistics ask an NTP server for the time by default; this machine has none
        String clock = "-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource";
        System.setProperty("org.deeplearning4j.spark.time.TimeSource", "org.deeplearning4j.spark.time.SystemClockTimeSource");
        List<DataSet> examples = IdxDataset.load(data, "train", n, new Configuration()).examples(10);
        MultiLayerConfiguration conf = FashionMnistExample.network("mlp");
        SparkConf sconf = new SparkConf().setMaster(master).setAppName("txtrain-round-profile")
                .set("spark.ui.enabled", "false").set("spark.plugins", "io.txtrain.spark.plugin.TxtrainPlugin");
        for (String kv : System.getProperty("profile.conf", "").split(",")) {
            if (!kv.isBlank()) {
                sconf.set(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        if (master.startsWith("local-cluster")) {
            sconf.set("spark.executor.extraClassPath", System.getProperty("bench.executorClassPath", ""))
                    .set("spark.executor.extraJavaOptions", System.getProperty("bench.executorJavaOptions", "") + " " + clock + " "
                            + System.getProperty("profile.executorJavaOptions", ""))
                    .set("spark.executorEnv.OMP_NUM_THREADS", "1").set("spark.executor.memory", "2g");
        }
        Map<String, List<Map<String, Double>>> profiles = new TreeMap<>();
        try (JavaSparkContext sc = new JavaSparkContext(sconf)) {
            JobRecorder rec = new JobRecorder();
            sc.sc().addSparkListener(rec);
            // warm-up of both trainers on the executors (JIT), not measured
            fit(sc, conf, examples.subList(0, Math.min(3000, examples.size())), workers, batch, avg, approach, TX, rec);
            fit(sc, conf, examples.subList(0, Math.min(3000, examples.size())), workers, batch, avg, approach, PATM, rec);
            for (int r = 0; r < repeats; r++) {
                for (String t : r % 2 == 0 ? List.of(PATM, TX) : List.of(TX, PATM)) {
                    long t0 = System.nanoTime();
                    Map<String, Double> p = fit(sc, conf, examples, workers, batch, avg, approach, t, rec);
                    p.put("epoch (s)", (System.nanoTime() - t0) / 1e9);
                    profiles.computeIfAbsent(t, k -> new ArrayList<>()).add(p);
                    System.err.printf(Locale.ROOT, "repeat %d %s: %s%n", r + 1, t, p);
                }
            }
        }
        System.out.printf(Locale.ROOT, "%n%d images, MLP (%d parameters), master %s, %d workers, batch %d, averaging %d,"
                + " PATM %s, %d repeats (medians; ms per round unless stated)%n%n", n,
                new MultiLayerNetwork(conf).numParams(), master, workers, batch, avg, approach, repeats);
        java.util.Set<String> keys = new java.util.LinkedHashSet<>(profiles.get(TX).get(0).keySet());
        keys.addAll(profiles.get(PATM).get(0).keySet());
        System.out.println("| part of a round | txtrain | PATM |");
        System.out.println("|---|---:|---:|");
        for (String k : keys) {
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f |%n", k, median(profiles.get(TX), k),
                    median(profiles.get(PATM), k));
        }
    }

    private static double median(List<Map<String, Double>> rows, String key) {
        List<Double> v = new ArrayList<>();
        for (Map<String, Double> r : rows) {
            v.add(r.getOrDefault(key, Double.NaN));
        }
        v.sort(null);
        return v.get(v.size() / 2);
    }

    private static Map<String, Double> fit(JavaSparkContext sc, MultiLayerConfiguration conf, List<DataSet> examples,
                                           int workers, int batch, int avg, String approach, String trainer,
                                           JobRecorder rec) throws Exception {
        int parts = Math.max(2, sc.defaultParallelism());
        JavaRDD<DataSet> rdd = sc.parallelize(examples, parts).repartition(parts);
        File dir = Files.createTempDirectory("txtrain-profile").toFile();
        TrainingMaster<?, ?> tm = trainer.equals(TX)
                ? new TransactionalTrainingMaster.Builder(workers, 1).batchSizePerWorker(batch).averagingFrequency(avg)
                        .rngSeed(12345).collectTrainingStats(true).checkpointDirectory(dir.toURI().toString()).build()
                : plain(workers, batch, avg, approach, new File(dir, "export").toURI().toString());
        if (trainer.equals(PATM)) {
            tm.setCollectTrainingStats(true);
        }
        try {
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, conf.clone(), tm);
            rec.clear();
            long fitStart = System.currentTimeMillis();
            net.fit(rdd);
            Map<String, Double> p = rec.profile(sc, trainer.equals(TX) ? "txtrain round" : "treeAggregate", fitStart);
            if (trainer.equals(TX)) {
                roundPeriod(tm.getTrainingStats(), p); // a stream runs several rounds per job
            }
            p.put("worker fit (per worker)", workerFit(tm.getTrainingStats(), (int) Math.round(p.get("rounds")), workers));
            p.put("round period minus worker fit", p.get("round period (start to start)") - p.get("worker fit (per worker)"));
            statsPerRound(tm.getTrainingStats(), (int) Math.round(p.get("rounds")), p);
            return p;
        } finally {
            if (tm instanceof AutoCloseable c) {
                c.close();
            }
            rdd.unpersist(false);
            FileUtils.deleteDirectory(dir);
        }
    }

    /** txtrain's rounds and their median start-to-start period, from its per-round stage statistics. */
    private static void roundPeriod(SparkTrainingStats stats, Map<String, Double> out) {
        List<EventStats> ev = stats.getValue("TxtrainRoundStageTimesMs");
        List<Double> gaps = new ArrayList<>();
        for (int i = 3; i < ev.size(); i++) {
            gaps.add((double) (ev.get(i).getStartTime() - ev.get(i - 1).getStartTime()));
        }
        gaps.sort(null);
        out.put("rounds", (double) ev.size());
        out.put("round period (start to start)", gaps.isEmpty() ? Double.NaN : gaps.get(gaps.size() / 2));
    }

    /** A worker's fit time per round (total over all workers and rounds / workers / rounds), from DL4J statistics. */
    private static double workerFit(SparkTrainingStats stats, int rounds, int workers) {
        for (String key : List.of("TxtrainWorkerFitTimesMs", "ParameterAveragingWorkerFitTimesMs")) {
            List<EventStats> ev = stats.getKeySet().contains(key) ? stats.getValue(key) : null;
            if (ev != null && !ev.isEmpty()) {
                long total = 0;
                for (EventStats e : ev) {
                    total += e.getDurationMs();
                }
                return total / (double) workers / Math.max(1, rounds);
            }
        }
        System.err.println("no worker fit times among " + stats.getKeySet());
        return Double.NaN;
    }

    /** Every DL4J statistics key's total duration per round ("stats: KEY"), as the trainer measured it. */
    private static void statsPerRound(SparkTrainingStats stats, int rounds, Map<String, Double> out) {
        for (String key : new java.util.TreeSet<>(stats.getKeySet())) {
            List<EventStats> ev = stats.getValue(key);
            if (ev == null || ev.isEmpty()) {
                continue;
            }
            long total = 0;
            for (EventStats e : ev) {
                total += e.getDurationMs();
            }
            out.put("stats: " + key, total / (double) Math.max(1, rounds));
        }
    }

    private static ParameterAveragingTrainingMaster plain(int workers, int batch, int avg, String approach, String export) {
        ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(workers, 1)
                .batchSizePerWorker(batch).averagingFrequency(avg).rngSeed(12345);
        return switch (approach) {
            case "export" -> b.rddTrainingApproach(RDDTrainingApproach.Export).exportDirectory(export).build();
            case "direct-cached" -> b.rddTrainingApproach(RDDTrainingApproach.Direct)
                    .storageLevel(StorageLevel.MEMORY_ONLY()).repartionData(Repartition.Never).build();
            default -> throw new IllegalArgumentException("approach: export or direct-cached, got " + approach);
        };
    }

    /** Every job and task of the application, as the driver's listener bus reports them. */
    static final class JobRecorder extends SparkListener {
        record Job(int id, long submitted, String name, List<TaskInfo> tasks, List<TaskMetrics> metrics, long[] ended) {
        }

        private final Map<Integer, Job> jobs = new ConcurrentHashMap<>();
        private final Map<Integer, Integer> stageToJob = new ConcurrentHashMap<>();

        void clear() {
            jobs.clear();
            stageToJob.clear();
        }

        @Override
        public void onJobStart(SparkListenerJobStart e) {
            String desc = e.properties() == null ? null : e.properties().getProperty("spark.job.description");
            StringBuilder name = new StringBuilder(desc == null ? "" : desc);
            for (StageInfo s : JavaConverters.seqAsJavaList(e.stageInfos())) {
                stageToJob.put(s.stageId(), e.jobId());
                name.append(" | ").append(s.name());
            }
            jobs.put(e.jobId(), new Job(e.jobId(), e.time(), name.toString(), new ArrayList<>(), new ArrayList<>(),
                    new long[1]));
        }

        @Override
        public void onTaskEnd(SparkListenerTaskEnd e) {
            Integer job = stageToJob.get(e.stageId());
            if (job != null && jobs.containsKey(job)) {
                Job j = jobs.get(job);
                synchronized (j) {
                    j.tasks().add(e.taskInfo());
                    j.metrics().add(e.taskMetrics());
                }
            }
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd e) {
            Job j = jobs.get(e.jobId());
            if (j != null) {
                j.ended()[0] = e.time();
            }
        }

        /** Medians per round job (jobs whose name contains {@code marker}). */
        Map<String, Double> profile(JavaSparkContext sc, String marker, long fitStart)
                throws java.util.concurrent.TimeoutException {
            sc.sc().listenerBus().waitUntilEmpty(); // the bus is asynchronous: the fit's last events
            List<Job> all = new ArrayList<>(jobs.values());
            all.sort((x, y) -> Long.compare(x.submitted(), y.submitted()));
            Map<String, List<Double>> parts = new java.util.LinkedHashMap<>();
            Job prev = null;
            List<Double> periods = new ArrayList<>();
            int rounds = 0;
            double setup = Double.NaN;
            double firstRound = Double.NaN;
            for (Job j : all) {
                boolean round = j.name().contains(marker);
                if (round) {
                    rounds++;
                    if (rounds == 1) {
                        setup = (j.submitted() - fitStart) / 1000.0;
                        firstRound = (j.ended()[0] - j.submitted()) / 1000.0;
                    }
                    if (prev != null && rounds > 2) {
                        add(parts, "driver between round jobs", j.submitted() - prev.ended()[0]);
                        periods.add((double) (j.submitted() - prev.submitted()));
                    }
                    if (rounds > 2) {
                        addRound(parts, j);
                    }
                    prev = j;
                }
            }
            Map<String, Double> out = new java.util.LinkedHashMap<>();
            out.put("rounds", (double) rounds);
            periods.sort(null);
            out.put("round period (start to start)", periods.isEmpty() ? Double.NaN : periods.get(periods.size() / 2));
            out.put("jobs per fit", (double) all.size());
            out.put("fit start to first round job (s)", setup);
            out.put("first round job (s)", firstRound);
            for (Map.Entry<String, List<Double>> e : parts.entrySet()) {
                List<Double> v = e.getValue();
                v.sort(null);
                out.put(e.getKey(), v.get(v.size() / 2));
            }
            return out;
        }

        private static void addRound(Map<String, List<Double>> parts, Job j) {
            long firstLaunch = Long.MAX_VALUE;
            long lastLaunch = 0;
            long lastFinish = 0;
            double deser = 0;
            double runOutside = 0;
            double resultSer = 0;
            double transfer = 0;
            double run = 0;
            long bytes = 0;
            int nonLocal = 0;
            for (int i = 0; i < j.tasks().size(); i++) {
                TaskInfo t = j.tasks().get(i);
                TaskMetrics m = j.metrics().get(i);
                firstLaunch = Math.min(firstLaunch, t.launchTime());
                lastLaunch = Math.max(lastLaunch, t.launchTime());
                lastFinish = Math.max(lastFinish, t.finishTime());
                deser = Math.max(deser, m.executorDeserializeTime());
                run = Math.max(run, m.executorRunTime());
                resultSer = Math.max(resultSer, m.resultSerializationTime());
                transfer = Math.max(transfer, t.finishTime() - t.launchTime() - m.executorDeserializeTime()
                        - m.executorRunTime() - m.resultSerializationTime());
                bytes += m.resultSize();
                if (!t.taskLocality().toString().equals("PROCESS_LOCAL")) {
                    nonLocal++;
                }
            }
            add(parts, "job submitted to first task launch", firstLaunch - j.submitted());
            add(parts, "first to last task launch", lastLaunch - firstLaunch);
            add(parts, "task deserialization (slowest task)", deser);
            add(parts, "task run time (slowest task)", run);
            add(parts, "result serialization (slowest task)", resultSer);
            add(parts, "launch+result transfer outside the executor (slowest task)", transfer);
            add(parts, "last task finished to job end", j.ended()[0] - lastFinish);
            add(parts, "job (submission to end)", j.ended()[0] - j.submitted());
            add(parts, "result bytes per round (MB)", bytes / 1e6);
            add(parts, "tasks not PROCESS_LOCAL", nonLocal);
            add(parts, "jobs in round", 1);
        }

        private static void add(Map<String, List<Double>> parts, String k, double v) {
            parts.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
    }
}
