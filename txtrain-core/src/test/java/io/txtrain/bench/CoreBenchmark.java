package io.txtrain.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.client.HdfsDataOutputStream;

import io.txtrain.core.checkpoint.CheckpointListener;
import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.recovery.RecoveryDirectory;

/**
 * Benchmark of the recovery core (not a test; run it with {@code bench/core-benchmark.sh}).
 *
 * <ol>
 *   <li>Commit latency: {@link OpenRun#commit} of a ~1 KB {@link RoundRecord} (append + durable
 *   sync + fence check), median and p99, next to a raw append + sync of the same bytes on the same
 *   file system (no txtrain) for reference.</li>
 *   <li>Checkpoint persist: the background persist of a snapshot (one file: blobs, MANIFEST and
 *   footer, one sync, the publishing rename and, on file://, the directory sync) against a plain
 *   sequential write of the same bytes to one file (local: FileChannel write + force; HDFS: create +
 *   write + hsync + close), and against that write made to a temporary name and then renamed
 *   durably (local: + rename + directory fsync; HDFS: + rename); the three run in turn, rotating
 *   which goes first, medians over the repeats.</li>
 * </ol>
 *
 * <p>{@code hdfs} runs against a MiniDFSCluster (one NameNode, one DataNode) started inside this
 * process, so client and DataNode share the CPUs.
 *
 * <p>Arguments ({@code --name=value}): {@code dir} (local base directory, default
 * {@code java.io.tmpdir}), {@code fs} ({@code file,hdfs}), {@code commits} (1000), {@code warmup}
 * (200; {@code 0} skips the commit latency), {@code sizesMb} ({@code 10,200}: one blob of that many MiB),
 * {@code params} (none; e.g. {@code 1M,10M,50M}: the four blobs txtrain checkpoints for an Adam-trained
 * network of that many float parameters, about 12 bytes each), {@code repeats} (7), {@code recordBytes} (1024),
 * {@code load} ({@code false}; {@code true} also times recovery's load of the newest checkpoint against
 * a plain read of the same bytes), {@code hdfsCloseRetryMs} (the HDFS client's first wait when {@code close()} finds that the
 * DataNode has not yet reported the last block; Hadoop's default is 400 ms), {@code offHeap}
 * ({@code false}; {@code true}: the state lies in direct buffers and is checkpointed as views, as a
 * driver keeps states of 16 MiB and more; the plain writes take the same buffers), {@code warmupPersists}
 * (0; that many checkpoints of 1 KB, each after a commit, before the timed rounds, so that the
 * publish's code runs compiled, as in a driver that has trained a while).
 */
public final class CoreBenchmark {
    /** First wait of an HDFS client whose close() found the last block not yet reported (default 400). */
    private static final String CLOSE_RETRY_KEY = "dfs.client.block.write.locateFollowingBlock.initial.delay.ms";
    /** Slice of a heap array per FileChannel write in the plain baseline (what txtrain writes at once). */
    private static final int SLICE = 4 << 20;
    private final PrintStream out = System.out;
    private Path base;
    private int commits = 1000;
    private int warmup = 200;
    private int repeats = 7;
    private int recordBytes = 1024;
    private List<Integer> sizesMb = List.of(10, 200);
    /** Model sizes in parameters: the state txtrain checkpoints for an Adam-trained network of that size. */
    private List<Long> params = List.of();
    private List<String> fileSystems = List.of("file", "hdfs");
    /** dfs.client.block.write.locateFollowingBlock.initial.delay.ms for the client; null: Hadoop's default. */
    private String hdfsCloseRetryMs;
    private final List<String> commitRows = new ArrayList<>();
    private final List<String> persistRows = new ArrayList<>();
    private final List<String> loadRows = new ArrayList<>();
    /** Also time recovery's load of a checkpoint against a plain read of the same bytes. */
    private boolean load;
    /** The state in direct buffers, checkpointed as views (as a driver keeps states of 16 MiB and more). */
    private boolean offHeap;
    /**
     * Checkpoints of one 1 KB blob, each after a commit, before the timed rounds: the code paths of
     * a publish as warm as in a driver that has run a while (default 0: from a fresh JVM).
     */
    private int warmupPersists;

    public static void main(String[] args) throws Exception {
        CoreBenchmark b = new CoreBenchmark();
        b.parse(args);
        b.run();
        System.exit(0); // MiniDFSCluster leaves non-daemon threads behind
    }

    private void parse(String[] args) {
        base = Paths.get(System.getProperty("java.io.tmpdir"));
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("bad argument " + a);
            }
            String k = a.substring(2, eq);
            String v = a.substring(eq + 1);
            switch (k) {
                case "dir" -> base = Paths.get(v);
                case "fs" -> fileSystems = List.of(v.split(","));
                case "commits" -> commits = Integer.parseInt(v);
                case "warmup" -> warmup = Integer.parseInt(v);
                case "repeats" -> repeats = Integer.parseInt(v);
                case "recordBytes" -> recordBytes = Integer.parseInt(v);
                case "hdfsCloseRetryMs" -> hdfsCloseRetryMs = v;
                case "load" -> load = Boolean.parseBoolean(v);
                case "offHeap" -> offHeap = Boolean.parseBoolean(v);
                case "warmupPersists" -> warmupPersists = Integer.parseInt(v);
                case "sizesMb" -> sizesMb = Arrays.stream(v.split(",")).filter(x -> !x.isEmpty())
                        .map(Integer::valueOf).toList();
                case "params" -> params = Arrays.stream(v.split(",")).filter(x -> !x.isEmpty())
                        .map(CoreBenchmark::count).toList();
                default -> throw new IllegalArgumentException("unknown argument " + a);
            }
        }
    }

    /** "1M" = 1,000,000, "500k" = 500,000, or a plain number. */
    private static long count(String v) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        long unit = t.endsWith("m") ? 1_000_000L : t.endsWith("k") ? 1_000L : 1L;
        return Long.parseLong(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit;
    }

    private void run() throws Exception {
        Path root = Files.createTempDirectory(base, "txtrain-bench-");
        out.printf(Locale.ROOT, "txtrain core benchmark: %d commits (+%d warm-up), persists of %s MB x %d repeats "
                        + "(+%d warm-up checkpoints of 1 KB, state %s), in %s; java %s, %d processors, max heap %d MB%n",
                commits, warmup, sizesMb, repeats, warmupPersists, offHeap ? "off the heap" : "on the heap", root,
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        for (String fsName : fileSystems) {
            switch (fsName) {
                case "file" -> {
                    Path dir = Files.createDirectories(root.resolve("file"));
                    bench("file://", dir.toUri(), new Configuration());
                }
                case "hdfs" -> {
                    Configuration conf = new Configuration();
                    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, root.resolve("dfs").toString());
                    conf.setInt("dfs.replication", 1);
                    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
                    try {
                        cluster.waitActive();
                        Configuration client = new Configuration(conf);
                        String label = "MiniDFSCluster (in-process, 1 DataNode)";
                        if (hdfsCloseRetryMs != null) {
                            client.set(CLOSE_RETRY_KEY, hdfsCloseRetryMs);
                            label += ", close retry " + hdfsCloseRetryMs + " ms";
                        }
                        bench(label, URI.create(cluster.getURI() + "/bench"), client);
                    } finally {
                        FileSystem.closeAll();
                        cluster.shutdown();
                    }
                }
                default -> throw new IllegalArgumentException("unknown file system " + fsName);
            }
        }
        out.println();
        out.println("| file system | operation | median | p99 | n |");
        out.println("|---|---|---|---|---|");
        commitRows.forEach(out::println);
        out.println();
        out.println("| file system | state | plain write: median (MB/s) | txtrain persist: median (MB/s) "
                + "| throughput ratio txtrain / plain | per-round ratios (min / median / max) "
                + "| plain write + durable rename: median | ratio txtrain / (plain + rename) | snapshot copy median |");
        out.println("|---|---|---|---|---|---|---|---|---|");
        persistRows.forEach(out::println);
        if (!loadRows.isEmpty()) {
            out.println();
            out.println("| file system | state | plain read into arrays: median | checkpoint load (read + CRC32C): median "
                    + "| load / read |");
            out.println("|---|---|---|---|---|");
            loadRows.forEach(out::println);
        }
        deleteTree(root);
    }

    private void bench(String fsLabel, URI dir, Configuration conf) throws Exception {
        if (commits > 0) {
            commitLatency(fsLabel, URI.create(dir + "/commit"), conf);
        }
        for (int mb : sizesMb) {
            byte[] state = new byte[mb << 20];
            new SplittableRandom(mb).nextBytes(state);
            persist(fsLabel, URI.create(dir + "/persist-" + mb), conf, mb + " MB", Map.of("params", state));
        }
        for (long n : params) {
            persist(fsLabel, URI.create(dir + "/persist-p" + n), conf, paramsLabel(n), adamState(n));
        }
    }

    private static String paramsLabel(long n) {
        return (n % 1_000_000 == 0 ? n / 1_000_000 + "M" : n + "") + " params";
    }

    /**
     * The blobs txtrain's trainer checkpoints for a network of {@code n} float parameters trained
     * with Adam: parameters (4 B each), updater state (two moments, 8 B each), the training cursor
     * and the configuration JSON (a few hundred bytes and a few KB).
     */
    private static Map<String, byte[]> adamState(long n) {
        SplittableRandom rnd = new SplittableRandom(n);
        byte[] p = new byte[Math.toIntExact(4 * n)];
        byte[] u = new byte[Math.toIntExact(8 * n)];
        byte[] cursor = new byte[256];
        byte[] config = new byte[6 << 10];
        for (byte[] b : List.of(p, u, cursor, config)) {
            rnd.nextBytes(b);
        }
        return Map.of("params", p, "updater", u, "cursor", cursor, "config", config);
    }

    // ---------------------------------------------------------------- commit latency

    private void commitLatency(String fsLabel, URI dir, Configuration conf) throws IOException {
        byte[] checksum = new byte[32];
        new SplittableRandom(1).nextBytes(checksum);
        String padding = padding(recordBytes, checksum);
        byte[] frame = FrameCodec.encode(RecordType.ROUND_COMMIT, record(1, checksum, padding).encode());
        int frameBytes = frame.length;

        // References: append + sync of the same bytes without txtrain. All variants run interleaved,
        // one operation each in turn (rotating which goes first), so they share the machine's state.
        FileSystem fs = FileSystem.get(dir, conf);
        List<String> names = new ArrayList<>();
        List<Op> ops = new ArrayList<>();
        List<AutoCloseable> resources = new ArrayList<>();
        List<Runnable> cleanup = new ArrayList<>();
        try {
            if (fs.getScheme().equals("file")) {
                Path p = Paths.get(URI.create(dir + "-raw"));
                FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                resources.add(ch);
                cleanup.add(() -> p.toFile().delete());
                names.add("raw append " + frameBytes + " B + FileChannel.force (no txtrain)");
                ops.add(() -> {
                    ch.write(ByteBuffer.wrap(frame));
                    ch.force(false);
                });
            } else {
                org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir + "-raw");
                FSDataOutputStream o = fs.create(p, false);
                resources.add(o);
                names.add("raw append " + frameBytes + " B + hsync() (no txtrain)");
                ops.add(() -> {
                    o.write(frame);
                    o.hsync();
                });
                org.apache.hadoop.fs.Path p2 = new org.apache.hadoop.fs.Path(dir + "-raw2");
                FSDataOutputStream o2 = fs.create(p2, false);
                resources.add(o2);
                EnumSet<HdfsDataOutputStream.SyncFlag> flags = EnumSet.of(HdfsDataOutputStream.SyncFlag.UPDATE_LENGTH);
                names.add("raw append " + frameBytes + " B + hsync(UPDATE_LENGTH) (no txtrain)");
                ops.add(() -> {
                    o2.write(frame);
                    ((HdfsDataOutputStream) o2).hsync(flags);
                });
                cleanup.add(() -> {
                    try {
                        fs.delete(p, false);
                        fs.delete(p2, false);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
            OpenRun run = RecoveryDirectory.open(dir, conf, CoreSettings.DEFAULTS, Map.of("run", "bench"),
                    "core-benchmark", CheckpointListener.NONE);
            resources.add(run);
            long[] round = {run.nextRound()};
            names.add("txtrain commit of a " + frameBytes + " B RoundRecord frame");
            ops.add(() -> run.commit(record(round[0]++, checksum, padding)));

            long[][] lat = new long[ops.size()][commits];
            for (int i = 0; i < warmup + commits; i++) {
                for (int k = 0; k < ops.size(); k++) {
                    int which = (i + k) % ops.size();
                    long t0 = System.nanoTime();
                    ops.get(which).run();
                    long t = System.nanoTime() - t0;
                    if (i >= warmup) {
                        lat[which][i - warmup] = t;
                    }
                }
            }
            for (int k = 0; k < ops.size(); k++) {
                Arrays.sort(lat[k]);
                row(fsLabel, names.get(k), lat[k]);
            }
        } finally {
            for (AutoCloseable r : resources) {
                try {
                    r.close();
                } catch (Exception e) {
                    throw new IOException(e);
                }
            }
            cleanup.forEach(Runnable::run);
        }
    }

    private interface Op {
        void run() throws IOException;
    }

    private void row(String fsLabel, String what, long[] sorted) {
        String r = String.format(Locale.ROOT, "| %s | %s | %s | %s | %d |", fsLabel, what,
                ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), sorted.length);
        out.println(r);
        commitRows.add(r);
    }

    private static RoundRecord record(long round, byte[] checksum, String padding) {
        return new RoundRecord(round, 0, (int) round, 1 << 20, new long[] {round, round * 7, round * 13, round * 17},
                Map.of("learningRate", "0.001", "momentum", "0.9"), "dataset-fingerprint-0123456789abcdef", 4096,
                0.5, checksum, System.currentTimeMillis(), Map.of("notes", padding));
    }

    /** Padding that brings the encoded frame to about {@code target} bytes. */
    private static String padding(int target, byte[] checksum) {
        int without = FrameCodec.encode(RecordType.ROUND_COMMIT, record(1, checksum, "").encode()).length;
        return "x".repeat(Math.max(0, target - without));
    }

    // ---------------------------------------------------------------- persist throughput

    private void persist(String fsLabel, URI dir, Configuration conf, String label, Map<String, byte[]> blobs)
            throws IOException {
        // the state both sides write: the arrays, or (offHeap) direct copies of them made once
        Map<String, List<ByteBuffer>> views = new java.util.TreeMap<>();
        blobs.forEach((name, bytes) -> views.put(name, List.of(offHeap
                ? ByteBuffer.allocateDirect(bytes.length).put(bytes).flip() : ByteBuffer.wrap(bytes))));
        List<ByteBuffer> state = views.values().stream().map(v -> v.get(0)).toList();
        long total = state.stream().mapToLong(ByteBuffer::remaining).sum();
        if (offHeap) {
            label += " off-heap";
        }
        byte[] checksum = new byte[32];
        PersistTimer listener = new PersistTimer();
        FileSystem fs = FileSystem.get(dir, conf);
        boolean local = fs.getScheme().equals("file");
        List<Long> plain = new ArrayList<>();
        List<Long> renamed = new ArrayList<>();
        List<Long> txtrain = new ArrayList<>();
        List<Long> snapshot = new ArrayList<>();
        try (OpenRun run = RecoveryDirectory.open(dir, conf, CoreSettings.DEFAULTS, Map.of("run", "bench"),
                "core-benchmark", listener)) {
            String padding = padding(recordBytes, checksum);
            for (int w = 0; w < warmupPersists; w++) {
                long r = run.nextRound();
                run.commit(record(r, checksum, padding));
                if (!run.checkpoints().persistNow(run.snapshot(r, checksum, Map.of("warm-up", new byte[1024])))) {
                    throw new IOException("warm-up persist failed");
                }
            }
            for (int i = -1; i < repeats; i++) { // i = -1: warm-up round, not counted
                long[] took = new long[3];
                for (int k = 0; k < 3; k++) {
                    int which = Math.floorMod(i + k, 3); // rotate which of the three goes first
                    // the benchmark's own garbage (earlier snapshots) must not be collected inside a
                    // timed write: a young collection copying a live 200 MB array takes ~1 s here
                    System.gc();
                    if (which == 0) {
                        took[0] = local ? plainLocal(Paths.get(URI.create(dir + "-plain-" + i)), state)
                                : plainHadoop(fs, new org.apache.hadoop.fs.Path(dir + "-plain-" + i), state);
                        // keep the newest two plain files, as retention keeps two checkpoints, so
                        // that both sides free the same space (this disk is mounted with discard)
                        fs.delete(new org.apache.hadoop.fs.Path(dir + "-plain-" + (i - 2)), false);
                    } else if (which == 1) {
                        took[1] = local ? renamedLocal(Paths.get(URI.create(dir + "-renamed-" + i)), state)
                                : renamedHadoop(fs, new org.apache.hadoop.fs.Path(dir + "-renamed-" + i), state);
                        fs.delete(new org.apache.hadoop.fs.Path(dir + "-renamed-" + (i - 2)), false);
                    } else {
                        long r = run.nextRound();
                        run.commit(record(r, checksum, padding));
                        long s0 = System.nanoTime();
                        CheckpointSnapshot snap = offHeap ? run.snapshotOfImmutable(r, checksum, views)
                                : run.snapshot(r, checksum, blobs);
                        long s = System.nanoTime() - s0;
                        System.gc(); // as for the plain write: start the timed persist with no garbage
                        if (!run.checkpoints().persistNow(snap)) {
                            throw new IOException("persist failed");
                        }
                        took[2] = listener.lastNanos();
                        if (i >= 0) {
                            snapshot.add(s);
                        }
                    }
                }
                if (i >= 0) {
                    plain.add(took[0]);
                    renamed.add(took[1]);
                    txtrain.add(took[2]);
                }
            }
            if (load) {
                load(fsLabel, label, fs, dir, state);
            }
        }
        for (int i = repeats - 2; i < repeats; i++) {
            fs.delete(new org.apache.hadoop.fs.Path(dir + "-plain-" + i), false);
            fs.delete(new org.apache.hadoop.fs.Path(dir + "-renamed-" + i), false);
        }
        double mbytes = total / 1e6;
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < plain.size(); i++) {
            ratios.add((double) plain.get(i) / txtrain.get(i));
        }
        ratios.sort(null);
        long pm = median(plain);
        long rm = median(renamed);
        long tm = median(txtrain);
        String r = String.format(Locale.ROOT,
                "| %s | %s (%.0f MB) | %s (%.0f) | %s (%.0f) | **%.2f** | %.2f / %.2f / %.2f | %s | %.2f | %s |", fsLabel,
                label, mbytes, ms(pm), mbytes / (pm / 1e9), ms(tm), mbytes / (tm / 1e9), (double) pm / tm, ratios.get(0),
                ratios.get(ratios.size() / 2), ratios.get(ratios.size() - 1), ms(rm), (double) rm / tm,
                ms(median(snapshot)));
        out.println(r + "   plain " + msList(plain) + " renamed " + msList(renamed) + " txtrain " + msList(txtrain));
        persistRows.add(r);
    }

    /**
     * Recovery's load of the newest checkpoint (read, CRC32C of every blob, each blob into its own
     * array) against reading the same bytes from the newest plain file into arrays of the blobs'
     * sizes, alternating, {@code repeats} times each; both from the page cache, as just written.
     */
    private void load(String fsLabel, String label, FileSystem fs, URI dir, List<ByteBuffer> state) throws IOException {
        io.txtrain.core.fs.DurableFs dfs = io.txtrain.core.fs.DurableFs.of(fs);
        io.txtrain.core.checkpoint.CheckpointStore store = new io.txtrain.core.checkpoint.CheckpointStore(dfs,
                new io.txtrain.core.fs.DirLayout(fs.makeQualified(new org.apache.hadoop.fs.Path(dir))));
        io.txtrain.core.checkpoint.CheckpointRef ref = store.list().get(0);
        org.apache.hadoop.fs.Path plainFile = new org.apache.hadoop.fs.Path(dir + "-plain-" + (repeats - 1));
        List<Long> read = new ArrayList<>();
        List<Long> loaded = new ArrayList<>();
        for (int i = -1; i < repeats; i++) {
            for (int k = 0; k < 2; k++) {
                System.gc();
                long t0 = System.nanoTime();
                if ((k == 0) == ((i & 1) == 0)) {
                    try (var in = fs.open(plainFile)) {
                        long at = 0;
                        for (ByteBuffer b : state) {
                            byte[] into = new byte[b.remaining()];
                            in.readFully(at, into);
                            at += into.length;
                        }
                    }
                    if (i >= 0) {
                        read.add(System.nanoTime() - t0);
                    }
                } else {
                    store.load(ref);
                    if (i >= 0) {
                        loaded.add(System.nanoTime() - t0);
                    }
                }
            }
        }
        String r = String.format(Locale.ROOT, "| %s | %s | %s | %s | %.2f |", fsLabel, label, ms(median(read)),
                ms(median(loaded)), (double) median(loaded) / median(read));
        out.println(r + "   read " + msList(read) + " load " + msList(loaded));
        loadRows.add(r);
    }

    /** As {@link #plainLocal}, to a temporary name, then renamed and the directory synced. */
    private static long renamedLocal(Path p, List<ByteBuffer> arrays) throws IOException {
        long t0 = System.nanoTime();
        Path tmp = p.resolveSibling("_tmp-" + p.getFileName());
        plainLocal(tmp, arrays);
        Files.move(tmp, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(p.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        }
        return System.nanoTime() - t0;
    }

    /** As {@link #plainHadoop}, to a temporary name, then renamed. */
    private static long renamedHadoop(FileSystem fs, org.apache.hadoop.fs.Path p, List<ByteBuffer> arrays)
            throws IOException {
        long t0 = System.nanoTime();
        org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(p.getParent(), "_tmp-" + p.getName());
        plainHadoop(fs, tmp, arrays);
        if (!fs.rename(tmp, p)) {
            throw new IOException("rename of " + tmp + " failed");
        }
        return System.nanoTime() - t0;
    }

    /**
     * The same bytes, one array after the other, to one new file: write, then one force. Written in
     * 4 MB slices, as txtrain writes: a whole heap array handed to a FileChannel is first copied
     * into a temporary direct buffer of its full size, which made this baseline up to 3x slower for
     * 200-600 MB states (before this, the 200 MB rows of earlier runs were measured against it).
     * Direct buffers go to the channel as they are.
     */
    private static long plainLocal(Path p, List<ByteBuffer> arrays) throws IOException {
        long t0 = System.nanoTime();
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (ByteBuffer bytes : arrays) {
                for (int off = 0; off < bytes.remaining(); off += SLICE) {
                    ByteBuffer b = bytes.slice(off, Math.min(SLICE, bytes.remaining() - off));
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
            }
            ch.force(false);
        }
        return System.nanoTime() - t0;
    }

    /**
     * The same bytes to one new file: create, write, one hsync, close. The stream takes arrays only,
     * so a direct buffer's bytes go through one 4 MB array.
     */
    private static long plainHadoop(FileSystem fs, org.apache.hadoop.fs.Path p, List<ByteBuffer> arrays)
            throws IOException {
        long t0 = System.nanoTime();
        try (FSDataOutputStream o = fs.create(p, false)) {
            byte[] chunk = null;
            for (ByteBuffer bytes : arrays) {
                if (bytes.hasArray()) {
                    o.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
                    continue;
                }
                chunk = chunk != null ? chunk : new byte[SLICE];
                for (ByteBuffer b = bytes.duplicate(); b.hasRemaining(); ) {
                    int n = Math.min(SLICE, b.remaining());
                    b.get(chunk, 0, n);
                    o.write(chunk, 0, n);
                }
            }
            o.hsync();
        }
        return System.nanoTime() - t0;
    }

    // ---------------------------------------------------------------- helpers

    private static long percentile(long[] sorted, int pct) {
        int idx = (int) Math.ceil(pct / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private static long median(List<Long> v) {
        long[] a = v.stream().mapToLong(Long::longValue).sorted().toArray();
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    private static String ms(long nanos) {
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms < 10 ? "%.2f ms" : "%.0f ms", ms);
    }

    private static String msList(List<Long> v) {
        return v.stream().map(n -> Long.toString(n / 1_000_000)).toList().toString();
    }

    private static void deleteTree(Path root) throws IOException {
        try (var s = Files.walk(root)) {
            s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        }
    }
}
