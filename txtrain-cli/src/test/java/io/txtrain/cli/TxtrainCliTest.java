package io.txtrain.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.inspect.FrameScan;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.spark.dl4j.FlatState;
import io.txtrain.spark.dl4j.TransactionalTrainingMaster;
import io.txtrain.spark.testing.SparkTestSupport;
import io.txtrain.spark.testing.TrainingFixtures;

/**
 * The {@code txtrain} commands on a real checkpoint directory: two short training sessions in
 * local[2] (15 rounds each, a checkpoint every 4 rounds and at each close), then copies of it
 * damaged on purpose.
 */
class TxtrainCliTest {
    static final int ROUNDS_PER_EPOCH = 480 / (2 * 8 * 2);
    static final String SEALED = "seg-0000000001-0000000000000000001.log";
    static final String NEWEST = "ckpt-0000000000000000030-0000000002";
    static final int LAST = 2 * ROUNDS_PER_EPOCH;

    @TempDir
    static Path tmp;
    static Path dir;
    /** Rounds of the published checkpoints, newest first (the policy may shift one when a persist is slow). */
    static List<Long> checkpoints;
    static String shaAfterEpoch0;
    static String shaAfterEpoch1;

    @TempDir
    Path work;

    @BeforeAll
    static void train() {
        JavaSparkContext sc = SparkTestSupport.local(2, 4, "cli");
        try {
            JavaRDD<DataSet> data = sc.parallelize(TrainingFixtures.blobs(480, 7), 3).cache();
            dir = tmp.resolve("run");
            TransactionalTrainingMaster first = master();
            new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), first).fit(data);
            shaAfterEpoch0 = first.parametersSha256();
            first.close();
            TransactionalTrainingMaster second = master(); // a clean restart: writer epoch 2
            SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, TrainingFixtures.network(16), second);
            net.fit(data); // epoch 0 is committed: skipped
            net.fit(data);
            shaAfterEpoch1 = second.parametersSha256();
            second.close();
        } finally {
            sc.stop();
        }
        try (Stream<Path> cps = Files.list(dir.resolve("checkpoints"))) {
            checkpoints = cps.map(p -> Long.parseLong(p.getFileName().toString().substring(5, 24)))
                    .sorted(java.util.Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(LAST, checkpoints.get(0), "close() checkpoints the last round: " + checkpoints);
        assertTrue(checkpoints.contains((long) ROUNDS_PER_EPOCH) && checkpoints.contains(0L)
                && checkpoints.size() >= 7, "every 4 rounds and at each close: " + checkpoints);
    }

    static TransactionalTrainingMaster master() {
        return new TransactionalTrainingMaster.Builder(2, 1).batchSizePerWorker(8).averagingFrequency(2).rngSeed(99)
                .checkpointDirectory(dir.toUri().toString()).checkpointPolicy("every-rounds:4")
                .retainCheckpoints(20).build();
    }

    /** Exit code, stdout and stderr of one command line. */
    record Run(int code, String out, String err) {
        String all() {
            return out + err;
        }
    }

    static Run txtrain(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Txtrain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static void assertMentions(Run r, String... parts) {
        for (String p : parts) {
            assertTrue(r.all().contains(p), "should mention '" + p + "':\n" + r.all());
        }
    }

    /** A copy of the trained directory to damage. */
    Path copy() throws IOException {
        Path c = work.resolve("copy");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path t = c.resolve(dir.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
        return c;
    }

    @Test
    void inspectShowsTheCommittedRoundCheckpointsSegmentsLeaseAndRecoveries() {
        Run r = txtrain("inspect", dir.toString());
        assertEquals(0, r.code(), r.all());
        assertMentions(r, "committed:  round " + LAST + " (training epoch 2, split 15/15)",
                "resume:     from the checkpoint of round " + LAST + ", 0 rounds to replay; next round " + (LAST + 1),
                "checkpoints: " + checkpoints.size() + " published", "trusted, resume point", "model MULTI_LAYER, 2 workers",
                SEALED, "sealed", "seg-0000000002-0000000000000000016.log", "head",
                "writer lease: epoch 2, pid " + ProcessHandle.current().pid() + " on ",
                "released (clean shutdown)",
                "driver starts: 2", "first start at round 1",
                "restart: from checkpoint round 15, 0 rounds replayed, next round 16",
                "failures: none recorded");
        for (long round : checkpoints) {
            assertTrue(Pattern.compile("(?m)^\\s+" + round + "\\s+(-|1|2)\\s+[12]\\s+\\d{4}-").matcher(r.out()).find(),
                    "checkpoint of round " + round + " listed:\n" + r.out());
        }
    }

    @Test
    void verifyIsZeroOnTheTrainedDirectory() {
        Run r = txtrain("verify", dir.toString());
        assertEquals(0, r.code(), r.all());
        assertMentions(r, "sound: every CRC, manifest and checksum verifies");
        assertFalse(r.all().contains("PROBLEM"), r.all());
    }

    @Test
    void verifyNamesFileAndOffsetOfAFlippedByteInASealedSegment() throws Exception {
        Path c = copy();
        Path seg = c.resolve("log").resolve(SEALED);
        byte[] b = Files.readAllBytes(seg);
        Frame victim = FrameScan.of(b).frames().get(4);
        b[(int) victim.offset() + FrameCodec.HEADER_BYTES + 10] ^= 0x01;
        Files.write(seg, b);
        Run r = txtrain("verify", c.toString());
        assertEquals(1, r.code(), r.all());
        assertMentions(r, "PROBLEM " + seg.toUri().toString().replace("file:///", "file:/") + ": offset "
                + victim.offset() + ": CRC32C mismatch", "NOT SOUND");
        assertEquals(1, txtrain("inspect", c.toString()).code(), "recovery would fail");
    }

    @Test
    void verifyNamesTheBlobAndOffsetOfAFlippedByteInACheckpoint() throws Exception {
        Path c = copy();
        Path file = c.resolve("checkpoints").resolve(NEWEST);
        byte[] b = Files.readAllBytes(file);
        // where blob 'params' lies: the footer gives the MANIFEST's offset, the manifest the blobs' lengths
        int manifestAt = (int) java.nio.ByteBuffer.wrap(b, b.length - 12, 8).getLong();
        byte[] frame = java.util.Arrays.copyOfRange(b, manifestAt, b.length - 12);
        io.txtrain.core.checkpoint.Manifest m = io.txtrain.core.checkpoint.Manifest.decode(
                new io.txtrain.core.codec.FrameReader(new java.io.ByteArrayInputStream(frame), "test", frame.length)
                        .expect(io.txtrain.core.codec.RecordType.MANIFEST).payload());
        long at = 0;
        long len = 0;
        for (io.txtrain.core.checkpoint.Manifest.Entry e : m.entries()) {
            if (e.name().equals("params")) {
                len = e.length();
                break;
            }
            at += e.length();
        }
        b[(int) (at + len / 2)] ^= 0x40;
        Files.write(file, b);
        Run r = txtrain("verify", c.toString());
        assertEquals(1, r.code(), r.all());
        assertMentions(r, NEWEST + ": offset " + at + ": CRC32C of blob 'params' (bytes " + at + "-" + (at + len - 1)
                + " of the file)", "CRC32C mismatch", "NOT SOUND: 1 problem");
        Run inspect = txtrain("inspect", c.toString());
        assertEquals(0, inspect.code(), "recoverable from the older checkpoint:\n" + inspect.all());
        long older = checkpoints.get(1);
        assertMentions(inspect, "REJECTED", "resume:     from the checkpoint of round " + older + ", "
                + (LAST - older) + " rounds to replay",
                "rejected checkpoint " + NEWEST);
    }

    @Test
    void exportWritesAZipThatDl4jRestoresWithTheTrainersParameters() throws Exception {
        File zip = work.resolve("out/model.zip").toFile();
        Run r = txtrain("export", dir.toString(), "--out", zip.toString());
        assertEquals(0, r.code(), r.all());
        assertMentions(r, "exported round 30 (training epoch 2", "model sha256=" + shaAfterEpoch1);
        MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(zip, true);
        assertEquals(shaAfterEpoch1, sha256(FlatState.of(net.params()).bytes()));
        // the logged state checksum covers parameters and updater state, each as FlatState.encode() writes it
        RoundRecord committed = RecoveryDirectory.inspect(dir.toUri(), new Configuration()).chain().rounds()
                .get(LAST - 1);
        assertEquals(committed.stateChecksumHex(), sha256(encoded(net.params()), encoded(net.getUpdater()
                .getStateViewArray())), "parameters and updater state restored bit for bit");
        assertEquals(LAST * 2, net.getIterationCount(), "iterations: 2 minibatches per round");

        File older = work.resolve("round15.zip").toFile();
        Run r15 = txtrain("export", dir.toString(), "--round", "15", "--out", older.toString());
        assertEquals(0, r15.code(), r15.all());
        assertEquals(shaAfterEpoch0, sha256(FlatState.of(ModelSerializer.restoreMultiLayerNetwork(older, true)
                .params()).bytes()));
    }

    static byte[] encoded(INDArray a) {
        byte[] raw = FlatState.of(a).bytes();
        byte[] out = new byte[raw.length + 1];
        out[0] = 1; // FLOAT
        System.arraycopy(raw, 0, out, 1, raw.length);
        return out;
    }

    @Test
    void exportOfACommittedRoundWithoutCheckpointSaysSo() {
        long without = java.util.stream.LongStream.rangeClosed(1, LAST).filter(n -> !checkpoints.contains(n))
                .findFirst().getAsLong();
        Run r = txtrain("export", dir.toString(), "--round", Long.toString(without), "--out",
                work.resolve("x.zip").toString());
        assertEquals(1, r.code(), r.all());
        assertMentions(r, "round " + without + " is committed but has no checkpoint", "checkpoints exist for round(s) "
                + LAST + ", " + checkpoints.get(1) + ", ", "only the trainer");
        Run future = txtrain("export", dir.toString(), "--round", "31", "--out", work.resolve("x.zip").toString());
        assertEquals(1, future.code(), future.all());
        assertMentions(future, "round 31 is not committed; the last committed round is 30");
        assertFalse(Files.exists(work.resolve("x.zip")));
    }

    @Test
    void reportWritesSelfContainedHtmlWithOnePointPerRound() throws Exception {
        Path html = work.resolve("report.html");
        Run r = txtrain("report", dir.toString(), "--out", html.toString());
        assertEquals(0, r.code(), r.all());
        assertMentions(r, LAST + " rounds, " + checkpoints.size() + " checkpoints, 2 driver starts");
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>"));
        assertEquals(2, count(page, "<svg "), "loss chart and checkpoint interval chart");
        assertEquals(2 * ROUNDS_PER_EPOCH, count(page, "<circle class=\"round\""), "one point per round");
        assertEquals(checkpoints.size(), count(page, "<path class=\"ckpt\""), "one marker per checkpoint");
        assertEquals(checkpoints.size() - 1, count(page, "<circle class=\"interval\""), "one interval per checkpoint after the first");
        assertEquals(1, count(page, "<circle class=\"start\""));
        assertEquals(1, count(page, "<circle class=\"restart\""));
        assertFalse(page.contains("<script") || page.contains("src=") || page.contains("href="), "self-contained");
    }

    @Test
    void helpfulErrorsAndHelp() throws Exception {
        Run missing = txtrain("inspect", work.resolve("nope").toString());
        assertEquals(2, missing.code());
        assertMentions(missing, "no such directory: " + work.resolve("nope"));

        Path foreign = Files.createDirectories(work.resolve("photos"));
        Files.writeString(foreign.resolve("cat.jpg"), "meow");
        Run notOurs = txtrain("verify", foreign.toString());
        assertEquals(2, notOurs.code());
        assertMentions(notOurs, "is not a txtrain checkpoint directory: it holds [cat.jpg]");

        Run file = txtrain("inspect", foreign.resolve("cat.jpg").toString());
        assertEquals(2, file.code());
        assertMentions(file, "is a file, not a checkpoint directory");

        Run bad = txtrain("inspect", dir.toString(), "--bogus");
        assertEquals(2, bad.code());
        assertMentions(bad, "txtrain inspect: unknown option --bogus", "usage: txtrain inspect DIR");

        assertEquals(2, txtrain("export", dir.toString()).code());
        assertMentions(txtrain("export", dir.toString()), "--out is required");
        assertMentions(txtrain("export", dir.toString(), "--out", "m.zip", "--round", "x"),
                "--round 'x': expected a whole number >= 0");
        assertEquals(2, txtrain("report", "--out").code());
        assertEquals(2, txtrain("frobnicate").code());
        assertMentions(txtrain("frobnicate"), "unknown command 'frobnicate'");
        assertEquals(2, txtrain().code());
        assertEquals(2, txtrain("verify").code());
        assertMentions(txtrain("verify"), "DIR is missing");

        Run help = txtrain("--help");
        assertEquals(0, help.code());
        for (String c : List.of("inspect", "verify", "export", "report")) {
            assertMentions(help, "  " + c + " ");
            Run h = txtrain(c, "--help");
            assertEquals(0, h.code(), h.all());
            assertTrue(h.out().startsWith("usage: txtrain " + c + " DIR"), h.out());
            assertTrue(h.out().contains("Exit codes:"), h.out());
            assertEquals(h.out(), txtrain("help", c).out());
        }

        Path empty = Files.createDirectories(work.resolve("empty"));
        assertEquals(0, txtrain("inspect", empty.toString()).code());
        assertEquals(0, txtrain("verify", empty.toString()).code());
        assertEquals(1, txtrain("export", empty.toString(), "--out", work.resolve("e.zip").toString()).code());
    }

    static int count(String s, String part) {
        Matcher m = Pattern.compile(Pattern.quote(part)).matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    static String sha256(byte[]... parts) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (byte[] b : parts) {
            md.update(b);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * {@code inspect}, {@code verify} and {@code report} run on the CLI's runtime classpath with no
     * Spark on it and ND4J's native backend removed from it: they never load either.
     */
    @Test
    void inspectVerifyAndReportNeedNeitherSparkNorNd4jNatives() throws Exception {
        List<String> cp = new java.util.ArrayList<>(List.of(Path.of("target/classes").toAbsolutePath().toString()));
        for (String e : Files.readString(Path.of("target/cli-runtime-classpath.txt")).trim().split(java.io.File.pathSeparator)) {
            String name = Path.of(e).getFileName().toString();
            assertFalse(name.startsWith("spark-") || name.startsWith("scala-library"), "Spark on the CLI's classpath: " + e);
            if (!name.startsWith("nd4j-native") && !name.startsWith("openblas")) {
                cp.add(e);
            }
        }
        Path html = work.resolve("plain.html");
        for (List<String> args : List.of(List.of("inspect", dir.toString()), List.of("verify", dir.toString()),
                List.of("report", dir.toString(), "--out", html.toString()))) {
            List<String> cmd = new java.util.ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-cp",
                    String.join(java.io.File.pathSeparator, cp), "io.txtrain.cli.Txtrain"));
            cmd.addAll(args);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), args + " without Spark and ND4J natives:\n" + out);
        }
        assertTrue(Files.size(html) > 1000);
    }

    /** {@code export} runs on the CLI's runtime classpath, which has ND4J but no Spark, and writes the model zip. */
    @Test
    void exportNeedsNoSpark() throws Exception {
        List<String> cp = new java.util.ArrayList<>(List.of(Path.of("target/classes").toAbsolutePath().toString()));
        cp.addAll(List.of(Files.readString(Path.of("target/cli-runtime-classpath.txt")).trim()
                .split(java.io.File.pathSeparator)));
        Path zip = work.resolve("no-spark.zip");
        List<String> cmd = new java.util.ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java"));
        for (String opt : System.getProperty("txtrain.addOpens", "").trim().split("\\s+")) {
            if (!opt.isEmpty()) {
                cmd.add(opt); // as bin/txtrain starts it
            }
        }
        cmd.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, cp), "io.txtrain.cli.Txtrain", "export",
                dir.toString(), "--out", zip.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), "export without Spark:\n" + out);
        assertTrue(Files.size(zip) > 1000);
    }
}
