package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.spark.testing.ChildJvm;

/**
 * The same run on different deployments gives the same bits: local[2] in a driver without
 * OMP_NUM_THREADS, local-cluster with one-core executors and OMP_NUM_THREADS=4, local-cluster with
 * one two-core executor (both tasks in one JVM) and OMP_NUM_THREADS=3. txtrain pins the thread
 * settings itself on every executor. A run SIGKILLed on one deployment and resumed on another
 * replays its committed rounds and ends with the fault-free checksum.
 */
class DeploymentIndependenceTest {
    static final File LOG = new File("target/deployment-children.log");

    @TempDir
    Path tmp;

    /** Runs a child to the end (or, with killAfter > 0, SIGKILLs it once it printed that round); returns its output. */
    static List<String> run(String master, String omp, Path dir, long killAfter, String... settings) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("OMP_NUM_THREADS", omp);
        List<String> args = new ArrayList<>(List.of(master, dir.toUri().toString()));
        args.addAll(List.of(settings));
        try (ChildJvm child = ChildJvm.start(DeploymentChild.class, LOG, env, args.toArray(new String[0]))) {
            String line;
            while ((line = child.nextLine(300)) != null) {
                if (killAfter > 0 && line.equals("ROUND " + killAfter)) {
                    child.kill();
                    return child.output();
                }
            }
            assertEquals(0, child.waitFor(60), "child on " + master + " failed; see " + LOG);
            return child.output();
        }
    }

    static String finalSha(List<String> out) {
        return out.stream().filter(l -> l.startsWith("FINAL ")).map(l -> l.substring(6)).findFirst()
                .orElseThrow(() -> new AssertionError("no FINAL line: " + out));
    }

    @Test
    void sameBitsOnEveryDeploymentAndAcrossAKilledAndMovedRun() throws Exception {
        String embedded = finalSha(run("local[2]", null, tmp.resolve("embedded"), 0));
        String oneCoreExecutors = finalSha(run("local-cluster[2,1,1024]", "4", tmp.resolve("lc-2x1"), 0));
        assertEquals(embedded, oneCoreExecutors, "local-cluster[2,1] with OMP_NUM_THREADS=4 equals local[2]");

        Path moved = tmp.resolve("moved");
        run("local-cluster[1,2,1024]", "3", moved, 6);
        RecoveryPlan atKill = RecoveryDirectory.inspect(moved.toUri(), new Configuration());
        assertTrue(atKill.lastCommittedRound() >= 6 && atKill.lastCommittedRound() < 10, "killed mid-run: "
                + atKill.lastCommittedRound());
        assertTrue(atKill.lastCommittedRound() > atKill.startRound(), "committed rounds after the checkpoint to replay");
        String resumed = finalSha(run("local-cluster[2,1,1024]", null, moved, 0));
        assertEquals(embedded, resumed, "killed on local-cluster[1,2], resumed on local-cluster[2,1]: fault-free bits");

        RecoveryPlan done = RecoveryDirectory.inspect(moved.toUri(), new Configuration());
        assertEquals(DeploymentChild.EPOCHS * DeploymentChild.ROUNDS_PER_EPOCH, done.lastCommittedRound());
        List<RecoveryEvent> starts = done.chain().recoveries();
        RecoveryEvent restart = starts.get(starts.size() - 1);
        assertTrue(restart.previousCrashed() && restart.replayedRounds() > 0, "replayed after a crash: " + restart);
        assertTrue(done.chain().lineage().isEmpty(), "no change of lineage: " + done.chain().lineage());
        for (RoundRecord r : done.chain().rounds()) {
            assertTrue(r.attributes().get(RoundRecord.ENVIRONMENT).contains("threads=blas=1"),
                    "each round records its environment: " + r.attributes());
        }
    }
}
