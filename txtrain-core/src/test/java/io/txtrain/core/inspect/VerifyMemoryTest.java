package io.txtrain.core.inspect;

import static io.txtrain.core.testing.Rounds.commit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

import io.txtrain.core.checkpoint.Manifest;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.testing.CheckpointBytes;
import io.txtrain.core.testing.RecordingListener;
import io.txtrain.core.testing.Rounds;
import io.txtrain.core.testing.TestFs;

/**
 * The verifier streams every file with a fixed buffer: a 400 MB sparse file named like a log
 * segment, another named like a blob of a directory checkpoint, and a one-file checkpoint holding a
 * 400 MB blob are checked by a JVM with a 64 MB heap.
 */
class VerifyMemoryTest {
    private static final TestFs FS = TestFs.local();

    @Test
    void hugeSparseFilesAreVerifiedUnderA64MegabyteHeap() throws Exception {
        URI dir = FS.newDir("sparse");
        try (OpenRun run = Rounds.open(FS, dir, CoreSettings.DEFAULTS, new RecordingListener())) {
            commit(run, 1, 3);
            assertTrue(Rounds.checkpoint(run, 3));
        }
        var l = FS.layout(dir);
        long size = 400L << 20;
        // a directory checkpoint of an earlier writer whose blob file is 400 MB instead of 4096 bytes
        Path old = CheckpointBytes.writeDirectoryCheckpoint(FS.fs(), l, 1, 1, Rounds.checksum(1), Rounds.state(1));
        File segment = new File(new Path(l.logDir(), "seg-0000000000-0000000000000000001.log").toUri());
        File blob = new File(new Path(old, "blob-params").toUri());
        for (File f : List.of(segment, blob)) {
            try (RandomAccessFile raf = new RandomAccessFile(f, "rw")) {
                raf.setLength(size); // sparse: no disk space, but 400 MB to read
            }
        }
        new File(blob.getParentFile(), ".blob-params.crc").delete();
        // a one-file checkpoint whose valid manifest lists one 400 MB blob of zeros, with a CRC32C that
        // differs in one bit: found only by reading the whole blob. Older than the trusted checkpoint of
        // round 3, which recovery (asked by the verifier) loads, so nothing allocates its 400 MB.
        File file = new File(l.checkpoint(2, 1).toUri());
        CRC32C crc = new CRC32C();
        byte[] zeros = new byte[1 << 20];
        for (long at = 0; at < size; at += zeros.length) {
            crc.update(zeros);
        }
        Manifest m = new Manifest(2, 1, 0, Rounds.checksum(2), List.of(new Manifest.Entry("params", size,
                (int) crc.getValue() ^ 1)));
        try (RandomAccessFile raf = new RandomAccessFile(file, "rw")) {
            raf.setLength(size);
            raf.seek(size);
            raf.write(FrameCodec.encode(RecordType.MANIFEST, m.encode()));
            raf.writeLong(size);
            raf.writeInt(0x5458434B);
        }
        List<String> cmd = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), VerifyChild.class.getName(), dir.toString()));
        File out = new File("target/verify-child-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "verify finished");
        String printed = Files.readString(out.toPath(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), printed);
        assertTrue(printed.contains(segment.getName()), printed);
        assertTrue(printed.contains("blob-params") && printed.contains("manifest says 4096"), printed);
        assertTrue(printed.lines().anyMatch(x -> x.startsWith("PROBLEM") && x.contains(file.getName())
                && x.contains("CRC32C of blob 'params' (bytes 0-" + (size - 1)) && x.contains("CRC32C mismatch")), printed);
        long bytes = Long.parseLong(printed.substring(printed.indexOf("BYTES ") + 6).trim());
        assertTrue(bytes >= 3 * size, "every byte was read: " + printed);
    }
}
