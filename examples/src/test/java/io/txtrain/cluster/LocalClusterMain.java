package io.txtrain.cluster;

import java.io.File;
import java.nio.file.Path;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * Starts, on this machine, an HDFS (MiniDFSCluster: NameNode and DataNode in this JVM) and a Spark
 * standalone Master with two Workers (each its own JVM), then prints what to pass to spark-submit
 * and waits until interrupted. args: [workDir]
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
        StandaloneCluster spark = StandaloneCluster.start(work.resolve("spark-home"), work.resolve("spark"), 2, 2560);
        File app = spark.applicationJar();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            spark.close();
            hdfs.shutdown();
        }));
        System.out.println("HDFS:          " + hdfs.getFileSystem().getUri());
        System.out.println("Spark master:  " + spark.masterUrl());
        System.out.println("SPARK_HOME:    " + work.resolve("spark-home"));
        System.out.println("app jar:       " + app);
        System.out.println("logs:          " + spark.work());
        System.out.println("READY (Ctrl-C stops everything)");
        Thread.currentThread().join();
    }
}
