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

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

import io.txtrain.core.recovery.CoreSettings;
import io.txtrain.core.recovery.OpenRun;
import io.txtrain.core.testing.RecordingListener;
import io.txtrain.core.testing.Rounds;
import io.txtrain.core.testing.TestFs;

/**
 * The verifier streams every file with a fixed buffer: a 400 MB sparse file named like a log
 * segment, and another named like a checkpoint blob, are checked by a JVM with a 64 MB heap.
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
        File segment = new File(new Path(l.logDir(), "seg-0000000000-0000000000000000001.log").toUri());
        File blob = new File(new Path(l.checkpoint(3, 1), "blob-params").toUri());
        long size = 400L << 20;
        for (File f : List.of(segment, blob)) {
            try (RandomAccessFile raf = new RandomAccessFile(f, "rw")) {
                raf.setLength(size); // sparse: no disk space, but 400 MB to read
            }
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
        assertTrue(printed.contains("BYTES "), printed);
    }
}
