package io.txtrain.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A SPARK_HOME made from this JVM's classpath: jars/ links every jar, so standalone Master, Workers,
 * drivers and executors started from it run the project's exact dependencies.
 */
public final class SparkHome {
    private SparkHome() {
    }

    /** Writes the files under {@code dir} into a jar. */
    public static Path jarFolder(Path dir, Path jar) throws IOException {
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
             var files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new java.util.jar.JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
        return jar;
    }

    /** Creates (idempotently) {@code home}/jars with links to every classpath jar; returns home. */
    public static Path prepare(Path home) throws IOException {
        Path jars = home.resolve("jars");
        Files.createDirectories(jars);
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Paths.get(e);
            if (e.endsWith(".jar") && Files.isRegularFile(p)) {
                Path link = jars.resolve(p.getFileName());
                if (p.getFileName().toString().startsWith("txtrain-")) {
                    // a copy: a later "mvn install" of a snapshot must not change a running cluster
                    Files.copy(p, link, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } else if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createSymbolicLink(link, p.toAbsolutePath());
                }
            } else if (Files.isDirectory(p)) {
                // a module's classes (reactor builds): packed so that jars/* picks them up
                jarFolder(p, jars.resolve("dir-" + Integer.toHexString(p.toAbsolutePath().toString().hashCode()) + ".jar"));
            }
        }
        return home;
    }
}
