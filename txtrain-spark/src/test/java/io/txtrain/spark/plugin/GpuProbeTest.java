package io.txtrain.spark.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** nvidia-smi probing against real subprocesses: shell scripts standing in for the tool. */
class GpuProbeTest {
    @TempDir
    Path tmp;

    Path script(String name, String body) throws IOException {
        Path p = tmp.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    GpuProbe probe(Path script, Duration timeout) {
        return new GpuProbe(List.of(script.toString()), true, timeout);
    }

    @Test
    void parsesOneLinePerGpuAndSkipsUnreadableOnes() {
        assertEquals(List.of(new GpuReading(0, 87, 30123, 81559), new GpuReading(2, 0, 1, 81559)),
                GpuProbe.parse("87, 30123, 81559\n[N/A], [N/A], 81559\n0, 1, 81559\n\n"));
        assertEquals(List.of(), GpuProbe.parse("No devices were found"));
    }

    @Test
    void readsUncorrectedEccErrorsWhereReported() {
        assertEquals(List.of(new GpuReading(0, 87, 30123, 81559, 2), new GpuReading(1, 5, 1, 81559, -1)),
                GpuProbe.parse("87, 30123, 81559, 2\n5, 1, 81559, [N/A]\n"));
    }

    @Test
    void aToolThatRejectsTheEccFieldIsAskedWithoutIt() throws IOException {
        // Like an nvidia-smi that does not know the field: the whole query fails.
        Path smi = script("old-smi", "case \"$1\" in *ecc*) echo 'Field \"ecc\" is not a valid field to query.'; exit 2;;"
                + " esac; echo '40, 100, 16384'");
        GpuProbe p = new GpuProbe(List.of(smi.toString(), GpuProbe.COMMAND_WITH_ERRORS.get(1)),
                List.of(smi.toString(), GpuProbe.COMMAND.get(1)), true, Duration.ofSeconds(10));
        assertEquals(List.of(new GpuReading(0, 40, 100, 16384)), p.read());
        assertEquals(List.of(new GpuReading(0, 40, 100, 16384)), p.read());
        assertTrue(p.active());
    }

    @Test
    void readsTheToolsOutput() throws IOException {
        GpuProbe p = probe(script("smi", "echo '55, 1024, 16384'; echo '5, 0, 16384'"), Duration.ofSeconds(10));
        assertEquals(List.of(new GpuReading(0, 55, 1024, 16384), new GpuReading(1, 5, 0, 16384)), p.read());
        assertEquals(2, p.read().size(), "stays active after a good read");
    }

    @Test
    void missingToolReadsNothingAndDisablesTheProbe() {
        GpuProbe p = new GpuProbe(List.of(tmp.resolve("no-such-nvidia-smi").toString()), true, Duration.ofSeconds(1));
        assertEquals(List.of(), p.read());
        assertFalse(p.active());
        assertEquals(List.of(), new GpuProbe(false, Duration.ofSeconds(1)).read());
    }

    @Test
    void hungToolIsKilledAtTheTimeoutAndRepeatedFailuresDisableTheProbe() throws IOException {
        GpuProbe p = probe(script("slow", "exec sleep 30"), Duration.ofMillis(300));
        long t0 = System.nanoTime();
        assertEquals(List.of(), p.read());
        assertTrue(System.nanoTime() - t0 < 10_000_000_000L, "returned after the timeout, not after the sleep");
        assertTrue(p.active());
        GpuProbe failing = probe(script("nogpu", "echo 'No devices were found'; exit 6"), Duration.ofSeconds(10));
        for (int i = 0; i < GpuProbe.MAX_CONSECUTIVE_FAILURES; i++) {
            assertTrue(failing.active());
            assertEquals(List.of(), failing.read());
        }
        assertFalse(failing.active());
    }
}
