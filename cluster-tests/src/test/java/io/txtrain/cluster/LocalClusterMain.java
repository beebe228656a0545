package io.txtrain.cluster;

import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * Starts, on this machine, an HDFS (MiniDFSCluster: NameNode and DataNode in this JVM) and a Spark
 * standalone Master with two Workers (each its own JVM) from a Spark distribution holding only
 * Spark's jars, then prints what to pass to spark-submit and waits until interrupted.
 * args: [workDir]
 */
public final class LocalClusterMain {
    private LocalClusterMain() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/local-cluster").toAbsolutePath();
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("hdfs").toString());
        MiniDFSCluster hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        SparkDistribution dist = SparkDistribution.fromBuild();
        StandaloneCluster spark = StandaloneCluster.start(dist, work.resolve("spark"), 2, 2, 2560);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            spark.close();
            hdfs.shutdown();
        }));
        System.out.println("HDFS:          " + hdfs.getFileSystem().getUri());
        System.out.println("Spark master:  " + spark.masterUrl());
        System.out.println("SPARK_HOME:    " + dist.home() + "   (Spark's own jars only)");
        System.out.println("assembly:      " + SparkDistribution.ASSEMBLY + "   (--jars)");
        System.out.println("app jar:       " + SparkDistribution.EXAMPLES);
        System.out.println("logs:          " + spark.work());
        System.out.println("READY (Ctrl-C stops everything)");
        Thread.currentThread().join();
    }
}
