package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The mathematical environment of an executor: what the bits of a round's result depend on besides
 * the state, the data and the seeds: the ND4J backend and version, the BLAS library, the CPU's
 * vendor, model and highest vector instruction set (OpenBLAS picks its kernels by CPU), the pinned
 * thread settings (the driver's averaging is plain Java, the same
 * everywhere). Two executors with the same fingerprint compute the same bits; a
 * different fingerprint may, but need not, give different bits. Text of the form
 * {@code key=value; key=value}, keys sorted.
 */
final class EnvironmentFingerprint {
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private EnvironmentFingerprint() {
    }

    /**
     * Pins this JVM's numerics ({@link NumericsPinning}) and returns its fingerprint.
     *
     * @param override test-only facts replacing measured ones ({@code key=value,...}; empty for none),
     *                 to simulate a different environment; {@code blas.threads=N} really pins N BLAS threads
     */
    static String pinAndMeasure(String override) {
        Map<String, String> facts = overrides(override);
        String blasThreads = facts.remove("blas.threads");
        NumericsPinning.pin(blasThreads == null ? NumericsPinning.THREADS : Integer.parseInt(blasThreads));
        return CACHE.computeIfAbsent(override == null ? "" : override, o -> measure(facts));
    }

    static Map<String, String> overrides(String override) {
        Map<String, String> facts = new TreeMap<>();
        if (override == null || override.isBlank()) {
            return facts;
        }
        for (String kv : override.split(",")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("spark.txtrain.test.environment = '" + override
                        + "': expected key=value,...");
            }
            facts.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
        }
        String blas = facts.get("blas.threads");
        if (blas != null && !blas.matches("[1-9][0-9]{0,2}")) {
            throw new IllegalArgumentException("spark.txtrain.test.environment = '" + override
                    + "': blas.threads must be a positive integer");
        }
        return facts;
    }

    private static String measure(Map<String, String> overrides) {
        Map<String, String> f = new TreeMap<>();
        f.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        f.put("nd4j", nd4jVersion());
        var env = Nd4j.getEnvironment();
        String blasVersion = env.blasMajorVersion() + "." + env.blasMinorVersion() + "." + env.blasPatchVersion();
        if (blasVersion.equals("0.0.0")) { // nd4j-native does not report OpenBLAS's; its JavaCPP preset does
            blasVersion = javacppVersion(String.valueOf(Nd4j.factory().blas().getBlasVendor()).toLowerCase(
                    java.util.Locale.ROOT));
        }
        f.put("blas", Nd4j.factory().blas().getBlasVendor() + " " + blasVersion);
        // OpenBLAS picks its kernels by CPU unless OPENBLAS_CORETYPE names them: another kernel, other bits
        String core = System.getenv("OPENBLAS_CORETYPE");
        f.put("blas.kernel", core == null || core.isBlank() ? "auto" : core.trim());
        f.put("cpu", cpu());
        f.put("arch", System.getProperty("os.arch"));
        f.put("threads", "blas=" + Nd4j.factory().blas().getMaxThreads() + ",nd4j=" + NumericsPinning.THREADS);
        f.putAll(overrides);
        StringBuilder b = new StringBuilder();
        f.forEach((k, v) -> b.append(b.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        return b.toString();
    }

    /** The fingerprint of a round from its workers' fingerprints: the one, or all distinct ones joined by " | ". */
    static String combine(List<String> perWorker) {
        TreeSet<String> distinct = new TreeSet<>();
        for (String e : perWorker) {
            if (e != null) {
                distinct.add(e);
            }
        }
        return String.join(" | ", distinct);
    }

    private static String javacppVersion(String artifact) {
        try {
            String v = org.bytedeco.javacpp.Loader.getVersion("org.bytedeco", artifact);
            return v == null ? "unknown" : v;
        } catch (Throwable e) { // JavaCPP absent or unreadable: the version is unknown, not an error
            return "unknown";
        }
    }

    private static String nd4jVersion() {
        try (InputStream in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            // fall through
        }
        String v = Nd4j.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /** Vendor, family and model, and the highest x86 vector extension, from /proc/cpuinfo where there is one. */
    private static String cpu() {
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return "unknown";
        }
        try {
            String vendor = "?";
            String family = "?";
            String model = "?";
            String flags = "";
            for (String line : Files.readAllLines(info, StandardCharsets.UTF_8)) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    if (!flags.isEmpty()) {
                        break; // first processor only
                    }
                    continue;
                }
                String k = line.substring(0, colon).trim();
                String v = line.substring(colon + 1).trim();
                switch (k) {
                    case "vendor_id" -> vendor = v;
                    case "cpu family" -> family = v;
                    case "model" -> model = v;
                    case "flags", "Features" -> flags = " " + v + " ";
                    default -> { }
                }
            }
            String isa = "baseline";
            for (String level : new String[] {"avx512f", "avx2", "avx", "sse4_2", "asimd", "neon"}) {
                if (flags.contains(" " + level + " ")) {
                    isa = level;
                    break;
                }
            }
            return vendor + " family " + family + " model " + model + " " + isa;
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
