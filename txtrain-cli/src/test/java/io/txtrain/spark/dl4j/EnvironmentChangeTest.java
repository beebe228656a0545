package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.cli.Txtrain;
import io.txtrain.core.log.LineageChange;
import io.txtrain.core.log.LogChain;
import io.txtrain.core.log.RecoveryEvent;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;
import io.txtrain.spark.testing.ChildJvm;

/**
 * A run killed and resumed in a different environment, simulated with the test-only
 * {@code spark.txtrain.test.environment}: with {@code blas.threads=4} the resumed driver really
 * computes different bits. Replayed rounds that differ become a new lineage (logged, shown by
 * inspect and the report), or are refused when the user asks for that; no committed round is lost
 * or counted twice. With physical redo the logged rounds are restored from the log without Spark
 * jobs, and the run ends with the fault-free checksum.
 */
class EnvironmentChangeTest {
    static final String NEW_CPU = "cpu=simulated next generation";
    static final int ROUNDS = DeploymentChild.EPOCHS * DeploymentChild.ROUNDS_PER_EPOCH;
    static String clean;

    @TempDir
    static Path shared;

    @BeforeAll
    static void cleanRun() throws Exception {
        clean = DeploymentIndependenceTest.finalSha(DeploymentIndependenceTest.run("local[2]", "1",
                shared.resolve("clean"), 0));
    }

    /** Keeps every checkpoint, so the log is never truncated and the test sees every round. */
    static final String KEEP_ALL = "spark.txtrain.checkpoint.retain=100";

    private static long killAfterSix(Path dir, String... settings) throws Exception {
        List<String> all = new ArrayList<>(List.of(settings));
        all.add(KEEP_ALL);
        DeploymentIndependenceTest.run("local[2]", "1", dir, 6, all.toArray(new String[0]));
        RecoveryPlan p = RecoveryDirectory.inspect(dir.toUri(), new Configuration());
        assertTrue(p.lastCommittedRound() >= 6 && p.lastCommittedRound() < ROUNDS, "killed mid-run");
        assertEquals(4, p.startRound(), "the checkpoint of round 4 is the resume point");
        return p.lastCommittedRound();
    }

    @Test
    void changedEnvironmentContinuesAsANewLineageOrIsRefused(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        long killed = killAfterSix(dir);
        String changed = "spark.txtrain.test.environment=blas.threads=4," + NEW_CPU;

        // refused when asked to
        Path log = tmp.resolve("refused.log");
        try (ChildJvm child = ChildJvm.start(DeploymentChild.class, log.toFile(), java.util.Map.of("OMP_NUM_THREADS",
                "1"), "local[2]", dir.toUri().toString(), changed, KEEP_ALL, "spark.txtrain.replay.onEnvironmentChange=fail")) {
            while (child.nextLine(300) != null) {
                // drain
            }
            assertNotEquals(0, child.waitFor(60));
        }
        String refused = Files.readString(log);
        assertTrue(refused.contains("ReplayMismatchException: replayed round 5 does not reproduce")
                && refused.contains("The environment changed") && refused.contains("onEnvironmentChange=fail"),
                "refusal names the change and the setting; see " + log);
        assertEquals(killed, RecoveryDirectory.inspect(dir.toUri(), new Configuration()).lastCommittedRound());

        // continues by default
        String resumed = DeploymentIndependenceTest.finalSha(DeploymentIndependenceTest.run("local[2]", "1", dir, 0,
                changed, KEEP_ALL));
        assertNotEquals(clean, resumed, "4 BLAS threads really compute other bits");
        LogChain chain = RecoveryDirectory.inspect(dir.toUri(), new Configuration()).chain();
        List<LineageChange> lineage = chain.lineage();
        List<Long> changedRounds = lineage.stream().map(LineageChange::round).toList();
        List<Long> expected = new ArrayList<>();
        for (long r = 5; r <= killed; r++) {
            expected.add(r);
        }
        assertEquals(expected, changedRounds, "every replayed round after the checkpoint got a new result");
        for (LineageChange c : lineage) {
            assertEquals(ReplayVerifier.ENVIRONMENT_CHANGED, c.reason());
            assertTrue(c.oldEnvironment().contains("threads=blas=1") && !c.oldEnvironment().contains("simulated"),
                    c.oldEnvironment());
            assertTrue(c.newEnvironment().contains("threads=blas=4") && c.newEnvironment().contains("simulated"),
                    c.newEnvironment());
            RoundRecord now = chain.round(c.round());
            assertArrayEquals(c.newChecksum(), now.stateChecksum(), "the round carries its new checksum");
            assertEquals(c.newEnvironment(), now.attributes().get(RoundRecord.ENVIRONMENT));
        }
        assertRoundsOnceEach(chain);

        // checkpoints of the new lineage are trusted: a restart resumes from the last one
        RecoveryPlan again = RecoveryDirectory.inspect(dir.toUri(), new Configuration());
        assertEquals(ROUNDS, again.startRound());
        assertTrue(again.rejected().isEmpty(), "every checkpoint trusted: " + again.rejected());

        String inspect = cli("inspect", dir.toString());
        assertTrue(inspect.contains("lineage: 1 change") && inspect.contains("new lineage from round 5: rounds 5-"
                + killed) && inspect.contains("old environment: ") && inspect.contains("simulated next generation"),
                inspect);
        Path report = tmp.resolve("report.html");
        assertEquals("", cli("report", dir.toString(), "--out", report.toString()).replaceAll("(?m)^report.*\\n?", "")
                .replaceAll("(?s)wrote.*", ""));
        String html = Files.readString(report);
        assertTrue(html.contains("new lineage from round 5") && html.contains("simulated next generation"), "report");
    }

    @Test
    void physicallyLoggedRoundsAreRestoredWithoutSparkJobsOnAnyHardware(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("physical");
        String physical = "spark.txtrain.redo.physicalMaxBytes=64m";
        long killed = killAfterSix(dir, physical, "spark.txtrain.redo.physicalMaxShare=1");
        LogChain before = RecoveryDirectory.inspect(dir.toUri(), new Configuration()).chain();
        for (RoundRecord r : before.rounds()) {
            assertEquals(RoundRecord.REDO_PHYSICAL, r.attributes().get(RoundRecord.REDO), "round " + r.round());
        }
        assertTrue(before.stateImage(killed) != null && before.stateImage(5) != null && before.stateImage(4) == null,
                "only the newest image of a run of rounds and each epoch's last are kept in memory");

        List<String> out = DeploymentIndependenceTest.run("local[2]", "1", dir, 0, physical, KEEP_ALL,
                "spark.txtrain.test.environment=" + NEW_CPU);
        assertEquals(clean, DeploymentIndependenceTest.finalSha(out), "exact on the changed hardware");
        for (String l : out) {
            if (l.startsWith("JOB txtrain round ")) {
                long r = Long.parseLong(l.substring(18, l.indexOf(',')));
                assertTrue(r > killed, "no Spark job for a physically logged round: " + l);
            }
        }
        LogChain chain = RecoveryDirectory.inspect(dir.toUri(), new Configuration()).chain();
        RecoveryEvent restart = chain.recoveries().get(chain.recoveries().size() - 1);
        assertTrue(restart.previousCrashed() && restart.replayedRounds() == killed - 4, restart.toString());
        assertTrue(chain.lineage().isEmpty(), "nothing re-executed, no lineage change");
        assertTrue(chain.round(ROUNDS).attributes().get(RoundRecord.ENVIRONMENT).contains("simulated"));
        assertRoundsOnceEach(chain);
    }

    /** Every committed round once, consecutive, each (epoch, split) once, every example of each epoch once. */
    private static void assertRoundsOnceEach(LogChain chain) {
        List<RoundRecord> rounds = chain.rounds();
        assertEquals(ROUNDS, rounds.size(), "the log reaches back to round 1 and holds all rounds");
        Set<String> positions = new HashSet<>();
        long examples = 0;
        for (int i = 0; i < rounds.size(); i++) {
            assertEquals(i + 1, rounds.get(i).round());
            assertTrue(positions.add(rounds.get(i).trainingEpoch() + "/" + rounds.get(i).splitIndex()));
            examples += rounds.get(i).exampleCount();
        }
        assertEquals((long) DeploymentChild.EPOCHS * DeploymentChild.EXAMPLES, examples);
        assertFalse(positions.isEmpty());
    }

    private static String cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Txtrain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }
}
