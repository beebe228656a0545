package io.txtrain.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

/** The assembly holds what txtrain needs at run time and nothing that a Spark 3.5 distribution has. */
class AssemblyContentsTest {
    @Test
    void noClassOfTheAssemblyIsAlsoInSparksJars() throws IOException {
        Set<String> assembly = entries(SparkDistribution.ASSEMBLY);
        List<String> clashes = new ArrayList<>();
        try (Stream<Path> jars = Files.list(SparkDistribution.fromBuild().home().resolve("jars"))) {
            for (Path jar : (Iterable<Path>) jars::iterator) {
                for (String e : entries(jar)) {
                    if (e.endsWith(".class") && assembly.contains(e)) {
                        clashes.add(jar.getFileName() + ": " + e);
                    }
                }
            }
        }
        assertEquals(List.of(), clashes.subList(0, Math.min(clashes.size(), 20)),
                clashes.size() + " classes of the assembly are also in the Spark distribution");
    }

    @Test
    void holdsTxtrainDl4jAndTheNativeBackendButNoTestOrClusterJars() throws IOException {
        Set<String> e = entries(SparkDistribution.ASSEMBLY);
        for (String needed : List.of("io/txtrain/core/recovery/RecoveryPlanner.class",
                "io/txtrain/spark/plugin/TxtrainPlugin.class", "io/txtrain/spark/dl4j/TransactionalTrainingMaster.class",
                "io/txtrain/spark/ml/TxtrainClassifier.class", "io/txtrain/cli/Txtrain.class",
                "org/deeplearning4j/spark/impl/multilayer/SparkDl4jMultiLayer.class",
                "org/nd4j/linalg/cpu/nativecpu/CpuBackend.class")) {
            assertTrue(e.contains(needed), "the assembly lacks " + needed);
        }
        assertTrue(e.stream().anyMatch(n -> n.startsWith("org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/")),
                "the assembly lacks ND4J's linux-x86_64 natives");
        for (String absent : List.of("org/apache/spark/SparkContext.class", "scala/Option.class",
                "org/apache/hadoop/fs/FileSystem.class", "org/slf4j/Logger.class",
                "org/apache/logging/log4j/Logger.class", "com/esotericsoftware/kryo/Kryo.class")) {
            assertTrue(!e.contains(absent), "the assembly holds " + absent);
        }
        for (String prefix : List.of("org/junit/", "junit/", "org/apache/hadoop/hdfs/server/", "io/txtrain/cluster/",
                "io/txtrain/examples/", "io/txtrain/testing/")) {
            assertTrue(e.stream().noneMatch(n -> n.startsWith(prefix)), "the assembly holds " + prefix);
        }
    }

    /**
     * Every txtrain class in the assembly is the one this build compiled, and there is no other: a
     * rebuild without {@code clean} once shaded the previous assembly into the new one, whose stale
     * classes came first.
     */
    @Test
    void txtrainClassesAreThoseOfThisBuild() throws IOException {
        Map<String, byte[]> built = new HashMap<>();
        for (String module : List.of("txtrain-core", "txtrain-spark", "txtrain-cli")) {
            Path classes = Path.of("..", module, "target", "classes");
            try (Stream<Path> files = Files.walk(classes)) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    if (f.toString().endsWith(".class")) {
                        built.put(classes.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
                    }
                }
            }
        }
        assertTrue(built.size() > 100, "classes of this build found: " + built.size());
        List<String> differing = new ArrayList<>();
        try (ZipFile z = new ZipFile(SparkDistribution.ASSEMBLY.toFile())) {
            Set<String> inAssembly = new HashSet<>();
            for (ZipEntry e : z.stream().toList()) {
                if (e.getName().startsWith("io/txtrain/") && e.getName().endsWith(".class")) {
                    inAssembly.add(e.getName());
                    byte[] b = built.get(e.getName());
                    if (b == null || !Arrays.equals(b, z.getInputStream(e).readAllBytes())) {
                        differing.add(e.getName() + (b == null ? " (not in this build)" : " (other bytes)"));
                    }
                }
            }
            for (String c : built.keySet()) {
                if (!inAssembly.contains(c)) {
                    differing.add(c + " (missing)");
                }
            }
        }
        assertEquals(List.of(), differing.subList(0, Math.min(differing.size(), 10)),
                differing.size() + " txtrain classes of the assembly are not this build's");
    }

    private static Set<String> entries(Path jar) throws IOException {
        Set<String> out = new HashSet<>();
        try (ZipFile z = new ZipFile(jar.toFile())) {
            z.stream().map(ZipEntry::getName).forEach(out::add);
        }
        return out;
    }
}
