package io.txtrain.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Spark 3.5 distribution as users have it: {@code SPARK_HOME/jars} holds Spark's own jars and
 * nothing of txtrain or DL4J (Maven copies them to {@code target/spark-dist}). Commands are built
 * exactly as {@code bin/spark-class} does, by Spark's launcher ({@code org.apache.spark.launcher.Main}),
 * so drivers and daemons get Spark's own Java 17 module options and nothing else.
 */
public final class SparkDistribution {
    /** The assembly users pass to {@code --jars}. */
    public static final Path ASSEMBLY = Paths.get(System.getProperty("txtrain.assembly", "missing-assembly.jar"));
    /** The examples' application jar. */
    public static final Path EXAMPLES = Paths.get(System.getProperty("txtrain.examplesJar", "missing-examples.jar"));
    /** The Java 17 flags that Spark adds itself; what cluster-mode drivers need from the user (bin/txtrain-env). */
    public static final String ADD_OPENS = System.getProperty("txtrain.addOpens", "");

    private final Path home;
    private final Path hadoopConfDir;

    public SparkDistribution(Path home) {
        this(home, null);
    }

    private SparkDistribution(Path home, Path hadoopConfDir) {
        this.home = home;
        this.hadoopConfDir = hadoopConfDir;
        if (!Files.isDirectory(home.resolve("jars"))) {
            throw new IllegalStateException("no Spark distribution at " + home + " (run through Maven)");
        }
    }

    /** The distribution Maven prepared for this module. */
    public static SparkDistribution fromBuild() {
        return new SparkDistribution(Paths.get(System.getProperty("txtrain.sparkDist", "target/spark-dist"))
                .toAbsolutePath());
    }

    /** The same distribution with {@code HADOOP_CONF_DIR} set (YARN, HDFS client settings). */
    public SparkDistribution withHadoopConfDir(Path dir) {
        return new SparkDistribution(home, dir);
    }

    public Path home() {
        return home;
    }

    /** The command {@code bin/spark-class CLASS ARGS} runs. */
    public List<String> sparkClass(String mainClass, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx128m", "-cp", home.resolve("jars") + "/*",
                "org.apache.spark.launcher.Main", mainClass));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        environment(pb.environment());
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (p.waitFor() != 0) {
                throw new IOException("Spark's launcher failed for " + mainClass + " " + args);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        List<String> built = new ArrayList<>();
        for (String a : new String(out, StandardCharsets.UTF_8).split("\0")) {
            String arg = built.isEmpty() ? a.strip() : a; // the launcher starts its output with a line break
            if (!arg.isEmpty()) {
                built.add(arg);
            }
        }
        return built;
    }

    /** What spark-env.sh would set on this one-host cluster. */
    public void environment(Map<String, String> env) {
        env.put("SPARK_HOME", home.toString());
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.remove("SPARK_CONF_DIR");
        env.remove("YARN_CONF_DIR");
        if (hadoopConfDir == null) {
            env.remove("HADOOP_CONF_DIR");
        } else {
            env.put("HADOOP_CONF_DIR", hadoopConfDir.toString());
        }
    }

    /** A JVM running {@code mainClass} with Spark's jars plus {@code extraJars}, without Spark's launcher. */
    public List<String> plainJava(String mainClass, List<String> extraJars, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        for (String o : ADD_OPENS.split(" ")) {
            if (!o.isBlank()) {
                cmd.add(o);
            }
        }
        List<String> cp = new ArrayList<>(List.of(home.resolve("jars") + "/*"));
        cp.addAll(extraJars);
        cmd.addAll(List.of("-cp", String.join(File.pathSeparator, cp), mainClass));
        cmd.addAll(args);
        return cmd;
    }

    private static String javaBin() {
        return System.getProperty("java.home") + "/bin/java";
    }
}
