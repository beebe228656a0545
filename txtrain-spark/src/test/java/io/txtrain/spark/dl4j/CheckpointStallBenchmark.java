package io.txtrain.spark.dl4j;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.nd4j.linalg.api.buffer.DataType;

import io.txtrain.bench.PersistTimer;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;

/**
 * Checkpoint stall on the training thread, asynchronous (txtrain: snapshot, then persist in the
 * background) vs synchronous (snapshot and persist before training goes on, as a checkpoint taken
 * in a training listener does), for model states of N parameters with Adam (params + two moments
 * = 12 N bytes); and the background persist's throughput against a plain write of the same bytes.
 * Uses the trainer's own snapshot code ({@link TrainingRun#blobs}) and the real checkpoint writer.
 *
 * <p>args: [fs=file|hdfs|both] [millions of parameters, comma list] [repeats] [dir]
 */
public final class CheckpointStallBenchmark {
    private CheckpointStallBenchmark() {
    }

    public static void main(String[] a) throws Exception {
        String which = a.length > 0 ? a[0] : "both";
        String[] sizes = (a.length > 1 ? a[1] : "1,10,50").split(",");
        int repeats = a.length > 2 ? Integer.parseInt(a[2]) : 5;
        Path base = Files.createTempDirectory(Paths.get(a.length > 3 ? a[3] : System.getProperty("java.io.tmpdir")),
                "txtrain-stall-");
        List<String> rows = new ArrayList<>();
        if (!which.equals("hdfs")) {
            for (String m : sizes) {
                rows.add(measure("file://", base.resolve("file-" + m).toUri(), new Configuration(), m, repeats));
            }
        }
        if (!which.equals("file")) {
            Configuration conf = new Configuration();
            conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.resolve("dfs").toString());
            conf.setInt("dfs.replication", 1);
            MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
            try {
                cluster.waitActive();
                for (String m : sizes) {
                    rows.add(measure("MiniDFSCluster", URI.create(cluster.getURI() + "/stall-" + m),
                            new Configuration(conf), m, repeats));
                }
            } finally {
                FileSystem.closeAll();
                cluster.shutdown(true);
            }
        }
        System.out.printf(Locale.ROOT, "%n%d repeats (medians); java %s, %d processors, max heap %d MB%n%n", repeats,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        System.out.println("| file system | parameters | state (MB) | stall async (ms) | stall sync (ms) "
                + "| async / sync | persist (ms) | plain write (ms) | persist throughput / plain |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
    }

    private static String measure(String label, URI dir, Configuration conf, String millions, int repeats)
            throws Exception {
        long n = Math.round(Double.parseDouble(millions) * 1_000_000);
        FlatState params = random(n, 1);
        FlatState updater = random(2 * n, 2);
        byte[] checksum = StateDigest.of(params, updater);
        PersistTimer listener = new PersistTimer();
        List<Long> async = new ArrayList<>();
        List<Long> sync = new ArrayList<>();
        List<Long> persist = new ArrayList<>();
        List<Long> plain = new ArrayList<>();
        FileSystem fs = FileSystem.get(dir, conf);
        try (OpenRun run = RecoveryDirectory.open(dir, conf, CoreSettings.DEFAULTS, Map.of("run", "stall"),
                "stall-benchmark", listener)) {
            for (int i = -1; i < repeats; i++) { // -1: warm-up
                for (int k = 0; k < 3; k++) {
                    int op = (k + Math.max(i, 0)) % 3; // rotate which goes first
                    System.gc();
                    long round = run.nextRound();
                    run.commit(new RoundRecord(round, 0, (int) round - 1, 1000, new long[] {round}, Map.of(), "0", 1,
                            0.0, checksum, System.currentTimeMillis(), Map.of()));
                    TrainingCursor cursor = new TrainingCursor(round, 0, (int) round - 1, 1000, (int) round);
                    long t0 = System.nanoTime();
                    if (op == 0) { // asynchronous: the stall is the snapshot
                        run.checkpoints().persistAsync(run.snapshotOfImmutable(round, checksum,
                                TrainingRun.blobs(params, updater, cursor, "{}")));
                        long stall = System.nanoTime() - t0;
                        run.checkpoints().awaitIdle(1, TimeUnit.HOURS);
                        if (i >= 0) {
                            async.add(stall);
                            persist.add(listener.lastNanos());
                        }
                    } else if (op == 1) { // synchronous: snapshot and persist before training goes on
                        run.checkpoints().persistNow(run.snapshotOfImmutable(round, checksum,
                                TrainingRun.blobs(params, updater, cursor, "{}")));
                        if (i >= 0) {
                            sync.add(System.nanoTime() - t0);
                        }
                    } else {
                        long t = plainWrite(fs, URI.create(dir + "-plain-" + i), params, updater);
                        if (i >= 0) {
                            plain.add(t);
                        }
                        fs.delete(new org.apache.hadoop.fs.Path(URI.create(dir + "-plain-" + (i - 1))), false);
                    }
                }
            }
        }
        fs.delete(new org.apache.hadoop.fs.Path(URI.create(dir + "-plain-" + (repeats - 1))), false);
        double mb = (params.bytes().length + updater.bytes().length) / 1e6;
        String row = String.format(Locale.ROOT, "| %s | %sM | %.0f | %.1f | %.1f | **%.3f** | %.0f | %.0f | **%.2f** |",
                label, millions, mb, ms(median(async)), ms(median(sync)), (double) median(async) / median(sync),
                ms(median(persist)), ms(median(plain)), (double) median(plain) / median(persist));
        System.out.println(row + "   async " + async + " sync " + sync + " persist " + persist + " plain " + plain);
        return row;
    }

    /** The same bytes to one file: params then updater, synced. */
    private static long plainWrite(FileSystem fs, URI file, FlatState params, FlatState updater) throws IOException {
        long t0 = System.nanoTime();
        if (fs.getScheme().equals("file")) {
            try (FileChannel ch = FileChannel.open(Paths.get(file), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                // 4 MB slices, as the checkpoint writer writes: a whole heap array handed to a
                // FileChannel is first copied into a direct buffer of its full size
                for (byte[] b : List.of(params.bytes(), updater.bytes())) {
                    for (int off = 0; off < b.length; off += 4 << 20) {
                        ByteBuffer buf = ByteBuffer.wrap(b, off, Math.min(4 << 20, b.length - off));
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                    }
                }
                ch.force(false);
            }
        } else {
            try (FSDataOutputStream o = fs.create(new org.apache.hadoop.fs.Path(file), false)) {
                o.write(params.bytes());
                o.write(updater.bytes());
                o.hsync();
            }
        }
        return System.nanoTime() - t0;
    }

    private static FlatState random(long floats, long seed) {
        byte[] b = new byte[Math.toIntExact(floats * 4)];
        new SplittableRandom(seed).nextBytes(b);
        return new FlatState(DataType.FLOAT, b);
    }

    private static long median(List<Long> v) {
        List<Long> s = new ArrayList<>(v);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
