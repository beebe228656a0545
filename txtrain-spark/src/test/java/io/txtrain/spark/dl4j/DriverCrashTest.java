package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.spark.testing.ChildJvm;

/**
 * The training driver is a child JVM killed with SIGKILL at random rounds, once while a checkpoint
 * persist is in flight; re-run on the same directory, it ends with the fault-free run's checksum,
 * and the log holds each committed round exactly once.
 */
class DriverCrashTest {
    static final int EPOCHS = 2;
    static final int HIDDEN = 256;
    static final int ROUNDS = EPOCHS * 15;

    @TempDir
    Path tmp;

    private String runToEnd(Path dir, File log) throws Exception {
        try (ChildJvm child = ChildJvm.start(TrainingChild.class, log, dir.toUri().toString(), "" + EPOCHS, "" + HIDDEN)) {
            String line;
            String fin = null;
            while ((line = child.nextLine(180)) != null) {
                if (line.startsWith("FINAL ")) {
                    fin = line.substring(6);
                }
            }
            assertEquals(0, child.waitFor(60), "child failed; see " + log);
            return fin;
        }
    }

    @Test
    void killedDriverResumesToTheFaultFreeChecksum() throws Exception {
        File log = new File("target/driver-crash-children.log");
        String expected = runToEnd(tmp.resolve("clean"), log);
        Path dir = tmp.resolve("crashy");
        Random random = new Random(20261126);
        int kills = 0;
        long lastPrinted = 0;
        boolean killedDuringPersist = false;
        while (kills < 3) {
            long killAfter = lastPrinted + 2 + random.nextInt(5);
            try (ChildJvm child = ChildJvm.start(TrainingChild.class, log, dir.toUri().toString(), "" + EPOCHS,
                    "" + HIDDEN)) {
                String line;
                while ((line = child.nextLine(180)) != null) {
                    if (line.startsWith("ROUND ")) {
                        lastPrinted = Long.parseLong(line.substring(6));
                        if (lastPrinted >= killAfter) {
                            break;
                        }
                    }
                }
                assertTrue(lastPrinted < ROUNDS, "the run ended before the planned kill");
                if (kills == 1) {
                    killedDuringPersist = killDuringPersist(child, dir);
                }
                child.kill();
                kills++;
                // rounds the child committed and printed between the last line read and the kill
                while ((line = child.nextLine(60)) != null) {
                    if (line.startsWith("ROUND ")) {
                        lastPrinted = Long.parseLong(line.substring(6));
                    }
                }
            }
            RecoveryPlan plan = RecoveryDirectory.inspect(dir.toUri(), new Configuration());
            long committed = plan.lastCommittedRound();
            assertTrue(committed >= lastPrinted && committed <= lastPrinted + 1,
                    "printed " + lastPrinted + ", committed " + committed);
            lastPrinted = committed;
        }
        assertTrue(killedDuringPersist, "one kill must land while a checkpoint persist is in flight");
        assertEquals(expected, runToEnd(dir, log));
        RecoveryPlan plan = RecoveryDirectory.inspect(dir.toUri(), new Configuration());
        assertEquals(ROUNDS, plan.lastCommittedRound());
        var recoveries = plan.chain().recoveries();
        assertEquals(kills + 1, recoveries.get(recoveries.size() - 1).writerEpoch(), "one writer epoch per start");
        List<RoundRecord> rounds = plan.chain().rounds();
        for (int i = 1; i < rounds.size(); i++) {
            assertEquals(rounds.get(i - 1).round() + 1, rounds.get(i).round(), "each round exactly once, in order");
        }
    }

    /** Lets the child run until a temporary checkpoint directory exists, so the kill lands mid-persist. */
    private static boolean killDuringPersist(ChildJvm child, Path dir) throws Exception {
        Path checkpoints = dir.resolve(DirLayout.CHECKPOINT_DIR);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (var s = Files.list(checkpoints)) {
                if (s.anyMatch(p -> p.getFileName().toString().startsWith("_tmp-"))) {
                    child.kill();
                    return true;
                }
            }
            Thread.onSpinWait();
        }
        return false;
    }
}
