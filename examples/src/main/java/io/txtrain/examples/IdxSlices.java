package io.txtrain.examples;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.data.IdxDataset;

/**
 * An IDX data set as an RDD of one-example DataSets, in file order, whose partitions each read
 * their own slice of the files on the executor: Spark tasks carry only the file location, not the
 * images (a parallelized list would ship every image inside the tasks, and Spark warns about
 * "a task of very large size"). The files must be readable from the executors (a local path in
 * local mode, HDFS on a cluster).
 */
final class IdxSlices implements FlatMapFunction<Integer, DataSet> {
    private static final long serialVersionUID = 1L;
    private final String dir;
    private final String prefix;
    private final int limit;
    private final int classes;
    private final int partitions;
    private final Broadcast<SerializableHadoopConfig> conf;

    private IdxSlices(String dir, String prefix, int limit, int classes, int partitions,
                      Broadcast<SerializableHadoopConfig> conf) {
        this.dir = dir;
        this.prefix = prefix;
        this.limit = limit;
        this.classes = classes;
        this.partitions = partitions;
        this.conf = conf;
    }

    static JavaRDD<DataSet> rdd(JavaSparkContext sc, String dir, String prefix, int limit, int classes,
                                int partitions) {
        Broadcast<SerializableHadoopConfig> conf = sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration()));
        List<Integer> slices = IntStream.range(0, partitions).boxed().toList();
        return sc.parallelize(slices, partitions).flatMap(new IdxSlices(dir, prefix, limit, classes, partitions, conf));
    }

    @Override
    public Iterator<DataSet> call(Integer slice) throws Exception {
        IdxDataset d = IdxDataset.load(dir, prefix, limit, conf.value().getConfiguration());
        int from = (int) ((long) slice * d.size() / partitions);
        int to = (int) ((long) (slice + 1) * d.size() / partitions);
        List<DataSet> out = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            out.add(d.batch(i, i + 1, classes));
        }
        return out.iterator();
    }
}
