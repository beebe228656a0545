package io.txtrain.spark.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Real Spark for tests: {@code local[n]} in this JVM, or {@code local-cluster} with executors in
 * their own JVMs. For local-cluster, SPARK_HOME (set by surefire) gets a jars/ folder linking this
 * JVM's classpath, and executors get the test and main class folders.
 */
public final class SparkTestSupport {
    private SparkTestSupport() {
    }

    public static final String ADD_OPENS = System.getProperty("txtrain.addOpens", "");

    public static SparkConf baseConf(String master, String app) {
        return new SparkConf().setMaster(master).setAppName(app)
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1")
                .set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.serializer", "org.apache.spark.serializer.JavaSerializer")
                .set("spark.executor.extraJavaOptions", ADD_OPENS + " -DOMP_NUM_THREADS=1")
                .set("spark.executorEnv.OMP_NUM_THREADS", "1")
                .set("spark.sql.shuffle.partitions", "4");
    }

    public static JavaSparkContext local(int threads, int maxFailures, String app) {
        return new JavaSparkContext(baseConf("local[" + threads + "," + maxFailures + "]", app));
    }

    /** Conf for {@code local-cluster[workers,1,memoryMb]}: executors are separate JVMs. */
    public static SparkConf localClusterConf(int workers, int memoryMb, String app) {
        prepareSparkHome();
        return baseConf("local-cluster[" + workers + ",1," + memoryMb + "]", app)
                .set("spark.executor.extraClassPath", String.join(File.pathSeparator, classFolders()))
                .set("spark.executor.memory", memoryMb + "m")
                .set("spark.task.maxFailures", "4");
    }

    /**
     * Conf for {@code local-cluster[workers,cores,memoryMb]} whose executors get no thread settings
     * from txtrain's test setup: they inherit this JVM's environment (OMP_NUM_THREADS or its absence).
     */
    public static SparkConf localClusterConfUnpinned(int workers, int cores, int memoryMb, String app) {
        prepareSparkHome();
        return baseConf("local-cluster[" + workers + "," + cores + "," + memoryMb + "]", app)
                .set("spark.executor.extraJavaOptions", ADD_OPENS)
                .remove("spark.executorEnv.OMP_NUM_THREADS")
                .set("spark.executor.extraClassPath", String.join(File.pathSeparator, classFolders()))
                .set("spark.executor.memory", memoryMb + "m")
                .set("spark.task.maxFailures", "4");
    }

    /** Folders (not jars) on this JVM's classpath: the module's own classes. */
    public static List<String> classFolders() {
        List<String> out = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (new File(e).isDirectory()) {
                out.add(new File(e).getAbsolutePath());
            }
        }
        return out;
    }

    public static synchronized Path prepareSparkHome() {
        String home = System.getenv("SPARK_HOME");
        if (home == null || System.getenv("SPARK_SCALA_VERSION") == null) {
            throw new IllegalStateException("SPARK_HOME and SPARK_SCALA_VERSION must be set (surefire sets them)");
        }
        Path jars = Paths.get(home, "jars");
        try {
            Files.createDirectories(jars);
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path p = Paths.get(e);
                if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                    Path link = jars.resolve(p.getFileName());
                    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, p.toAbsolutePath());
                    }
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return Paths.get(home);
    }
}
