package io.txtrain.spark.dl4j;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.nd4j.linalg.api.buffer.DataType;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;

/**
 * Cost of physical redo against logical-only logging, per round, for states of N float parameters
 * with Adam (updater state 2 N floats): the time to encode the image txtrain logs (raw), the size
 * and encode time of a deflated image for comparison,
 * the commit time of a logical record alone and with the image (write and sync), and the time to
 * restore a round from its image on recovery. The state drifts like training does: every round
 * changes every parameter a little. Uses the trainer's own encoding ({@link PhysicalRedo}) and the
 * real log writer.
 *
 * <p>args: [fs=file|hdfs|both] [parameters, comma list, e.g. 0.2m,1m] [rounds] [dir]
 */
public final class PhysicalRedoBenchmark {
    private PhysicalRedoBenchmark() {
    }

    public static void main(String[] a) throws Exception {
        String which = a.length > 0 ? a[0] : "file";
        String[] sizes = (a.length > 1 ? a[1] : "0.05m,0.2m,1m,4m").split(",");
        int rounds = a.length > 2 ? Integer.parseInt(a[2]) : 20;
        Path base = Files.createTempDirectory(Paths.get(a.length > 3 ? a[3] : System.getProperty("java.io.tmpdir")),
                "txtrain-redo-");
        System.out.println("| fs | parameters | state MiB | raw image: encode ms | deflated image / state | deflate ms"
                + " | commit ms, logical record | commit ms, record + raw image | restore ms (raw) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        if (!which.equals("hdfs")) {
            for (String s : sizes) {
                measure("file://", base.resolve("file-" + s).toUri(), new Configuration(), s, rounds);
            }
        }
        if (!which.equals("file")) {
            Configuration conf = new Configuration();
            conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("dfs").toString());
            conf.setInt("dfs.replication", 1);
            MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
            try {
                cluster.waitActive();
                for (String s : sizes) {
                    measure("hdfs", URI.create(cluster.getFileSystem().getUri() + "/redo-" + s), conf, s, rounds);
                }
            } finally {
                cluster.shutdown();
            }
        }
    }

    private static long parse(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        double m = t.endsWith("m") ? 1e6 : t.endsWith("k") ? 1e3 : 1;
        return Math.round(Double.parseDouble(m == 1 ? t : t.substring(0, t.length() - 1)) * m);
    }

    private static FlatState floats(float[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return new FlatState(DataType.FLOAT, b.array());
    }

    private static void measure(String fs, URI dir, Configuration conf, String size, int rounds) throws Exception {
        int n = (int) parse(size);
        Random rnd = new Random(n);
        float[] p = new float[n];
        float[] u = new float[2 * n];
        for (int i = 0; i < n; i++) {
            p[i] = (float) (rnd.nextGaussian() * 0.05);
        }
        long[] encode = new long[rounds];
        long[] deflate = new long[rounds];
        long[] logical = new long[rounds];
        long[] physical = new long[rounds];
        long[] restore = new long[rounds];
        long imageBytes = 0;
        long stateBytes = 12L * n;
        try (OpenRun run = RecoveryDirectory.open(dir, conf, CoreSettings.DEFAULTS, Map.of("bench", size), "bench",
                CheckpointListener.NONE)) {
            long round = 0;
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < n; i++) { // a training step: every value moves a little
                    p[i] += (float) (rnd.nextGaussian() * 1e-3);
                    u[i] = 0.9f * u[i] + 0.1f * (float) rnd.nextGaussian() * 1e-2f;
                    u[n + i] = 0.999f * u[n + i] + 0.001f * (float) Math.pow(rnd.nextGaussian() * 1e-2, 2);
                }
                FlatState params = floats(p);
                FlatState updater = floats(u);
                byte[] sum = StateDigest.of(params, updater);
                long d0 = System.nanoTime();
                imageBytes = PhysicalRedo.encode(params, updater, PhysicalRedo.DEFLATE).length;
                deflate[r] = System.nanoTime() - d0;
                long t0 = System.nanoTime();
                byte[] image = PhysicalRedo.encode(params, updater);
                long t1 = System.nanoTime();
                run.commit(record(++round, sum, false));
                long t2 = System.nanoTime();
                run.commit(record(++round, sum, true), image);
                long t3 = System.nanoTime();
                FlatState[] back = PhysicalRedo.decode(image);
                if (!Arrays.equals(StateDigest.of(back[0], back[1]), sum)) {
                    throw new AssertionError("image does not restore the state");
                }
                long t4 = System.nanoTime();
                encode[r] = t1 - t0;
                logical[r] = t2 - t1;
                physical[r] = t3 - t2;
                restore[r] = t4 - t3;
            }
        }
        System.out.printf(Locale.ROOT, "| %s | %,d | %.2f | %.1f | %.2f | %.1f | %.1f | %.1f | %.1f |%n", fs, n,
                stateBytes / 1048576.0, ms(encode), (double) imageBytes / stateBytes, ms(deflate),
                ms(logical), ms(physical), ms(restore));
    }

    private static RoundRecord record(long round, byte[] sum, boolean physical) {
        return new RoundRecord(round, 0, (int) round, 1_000_000, new long[] {1, 2}, Map.of("learningRate", "0.001"),
                "0123456789abcdef", 320, 0.5, sum, System.currentTimeMillis(), physical
                        ? Map.of(RoundRecord.REDO, RoundRecord.REDO_PHYSICAL) : Map.of());
    }

    /** Median in milliseconds. */
    private static double ms(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2] / 1e6;
    }

}
