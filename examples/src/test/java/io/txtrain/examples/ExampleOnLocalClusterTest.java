package io.txtrain.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.spark.testing.ChildJvm;
import io.txtrain.spark.testing.SparkTestSupport;

/**
 * The example with executors in their own JVMs (local-cluster) and a relative --data path, as
 * {@code bin/txtrain-example --master local-cluster[...]} runs it: the executors, whose working
 * directories are elsewhere, read the data, and the model equals the embedded run's.
 */
class ExampleOnLocalClusterTest {
    static final String DATA = "../data/fashion-mnist-subset";

    @TempDir
    Path tmp;

    @Test
    void relativeDataPathAndExecutorsInTheirOwnJvmsGiveTheEmbeddedModel() throws Exception {
        SparkTestSupport.prepareSparkHome();
        String embedded = checksum("local[2]", "embedded");
        String cluster = checksum("local-cluster[2,1,1024]", "cluster");
        assertEquals(embedded, cluster, "local-cluster with a relative --data path: the embedded run's model");
    }

    private String checksum(String master, String name) throws Exception {
        List<String> jvm = List.of("-Dspark.executor.extraClassPath="
                + String.join(File.pathSeparator, SparkTestSupport.classFolders()));
        try (ChildJvm child = ChildJvm.start(FashionMnistExample.class, tmp.resolve(name + ".log").toFile(), jvm,
                Map.of(), "--master", master, "--epochs", "1", "--limit", "600", "--data", DATA,
                "--checkpoint-dir", tmp.resolve(name).toUri().toString())) {
            assertEquals(0, child.waitFor(600), name + " run failed; see " + tmp.resolve(name + ".log"));
            List<String> out = child.output();
            String last = out.get(out.size() - 1);
            assertTrue(last.startsWith("model sha256="), name + ": " + out);
            return last;
        }
    }
}
