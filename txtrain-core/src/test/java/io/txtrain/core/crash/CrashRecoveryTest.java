package io.txtrain.core.crash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.txtrain.core.checkpoint.VerifiedCheckpoint;
import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.RecoveryDirectory;
import io.txtrain.core.recovery.RecoveryPlan;

/**
 * Kills a committing child JVM ({@link CommitLoopChild}) with SIGKILL at random moments (during
 * start-up and takeover, between and inside commits, during segment rolls and asynchronous
 * checkpoint persists), restarts it on the same directory, and after every kill checks the
 * directory against what the child printed: every round it reported committed is committed, at
 * most one more round is, the rounds are consecutive, every record holds the deterministic state's
 * checksum, and the start checkpoint recovery would use holds exactly that round's state.
 *
 * <p>System properties: {@code txtrain.crash.kills} (kills per file system; 20 by default, 200
 * under {@code -Pcampaign}), {@code txtrain.crash.seed}.
 */
class CrashRecoveryTest {
    private static final int STATE_BYTES = 128 << 10; // params; plus half as much updater state
    private static final int CHECKPOINT_EVERY = 5;
    private static final long SEGMENT_BYTES = 8192; // rolls every ~35 rounds, so kills also land in rolls
    private static final long AWAIT_MS = 120_000;

    private final int kills = Integer.getInteger("txtrain.crash.kills", 20);
    private final long seed = Long.getLong("txtrain.crash.seed", 0x7478747261696EL);
    private final Map<Long, byte[]> checksums = new HashMap<>();

    @Test
    void sigkillOnLocalFileSystem(@TempDir Path tmp) throws Exception {
        URI dir = tmp.resolve("ckpt").toUri();
        campaign("file", dir, new Configuration(), List.of(), tmp, 30);
    }

    @Test
    void sigkillOnMiniDfsCluster(@TempDir Path tmp) throws Exception {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, tmp.resolve("dfs").toString());
        conf.setInt("dfs.replication", 1);
        // A killed writer's segment is closed by block recovery, which the NameNode hands to the
        // DataNode with its next heartbeat: fast heartbeats make each restart's lease recovery quick.
        conf.set("dfs.heartbeat.interval", "250ms");
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        try {
            cluster.waitActive();
            URI dir = URI.create(cluster.getURI() + "/txtrain/ckpt");
            Configuration client = new Configuration();
            client.setInt("dfs.replication", 1);
            // The client retries completing a file after 400 ms while the DataNode has not yet reported
            // the block; shorter retries only make restarts (lease file, FORMAT) and persists quicker.
            campaign("hdfs", dir, client, List.of("--conf=dfs.replication=1",
                    "--conf=dfs.client.block.write.locateFollowingBlock.initial.delay.ms=50"), tmp, 60);
        } finally {
            FileSystem.closeAll();
            cluster.shutdown();
        }
    }

    private void campaign(String name, URI dir, Configuration conf, List<String> extraArgs, Path tmp,
                          int persistWindowMs) throws Exception {
        Random rnd = new Random(seed ^ name.hashCode());
        long committed = 0;
        boolean inDoubt = false;
        long published = -1;
        Map<String, Integer> modes = new TreeMap<>();
        int duringPersist = 0;
        int beforeOpen = 0;
        int resumedFromCheckpoint = 0;
        long t0 = System.nanoTime();
        // One child runs to completion on a scratch directory first: it warms the file system up
        // and leaves a class-data-sharing archive that makes the others start faster.
        ChildProcess.Launcher launcher = ChildProcess.Launcher.withSharedArchive(tmp,
                args(URI.create(dir + "-warmup"), 12, extraArgs));
        double warmupSeconds = (System.nanoTime() - t0) / 1e9;
        List<Long> lifeMs = new ArrayList<>();
        List<Long> checkMs = new ArrayList<>();
        List<Long> openMs = new ArrayList<>();
        List<Long> openCallMs = new ArrayList<>();
        List<String> history = new ArrayList<>();
        double meanOpenMs = 1500; // running mean of the time from launch to OPENED
        int opens = 0;
        for (int i = 0; i < kills; i++) {
            String ctx = name + " kill " + (i + 1) + "/" + kills + " (seed " + seed + "); previous kills:\n  "
                    + String.join("\n  ", history.subList(Math.max(0, history.size() - 3), history.size()));
            long started = System.nanoTime();
            ChildProcess child = ChildProcess.start(launcher, args(dir, Long.MAX_VALUE, extraArgs),
                    tmp.resolve("child-" + i + ".err"));
            int mode = rnd.nextInt(10);
            modes.merge(modeName(mode), 1, Integer::sum);
            if (mode < 2) {
                // up to a bit past the usual time to open, so that it lands in start-up, lease
                // acquisition, HDFS lease recovery, takeover and the first commits
                Thread.sleep(rnd.nextInt((int) (1.3 * meanOpenMs) + 1));
            } else if (mode < 7) {
                int n = 1 + rnd.nextInt(40);
                await(child, l -> l.startsWith("COMMITTED "), n, ctx);
                Thread.sleep(rnd.nextInt(15));
            } else {
                int n = 1 + rnd.nextInt(3);
                await(child, l -> l.startsWith("PERSIST "), n, ctx);
                Thread.sleep(rnd.nextInt(persistWindowMs));
            }
            if (!child.isAlive()) {
                child.waitFor(10_000);
                fail(ctx + ": the child ended by itself with exit code " + child.exitValue() + "; output tail "
                        + tail(child.lines()) + "\nstderr:\n" + child.stderrTail());
            }
            long killAt = System.nanoTime();
            child.kill();
            lifeMs.add((killAt - started) / 1_000_000);
            if (child.millisToOpened() >= 0) {
                opens++;
                meanOpenMs += (child.millisToOpened() - meanOpenMs) / opens;
                openMs.add(child.millisToOpened());
                openCallMs.add(Long.parseLong(lastField(child.lines(), "OPENED ", 5)));
            }
            long c0 = System.nanoTime();
            List<String> lines = child.lines();
            long lastPersist = lastNumber(lines, "PERSIST ");
            if (lastPersist >= 0 && lastNumber(lines, "PUBLISHED ") < lastPersist) {
                duringPersist++;
            }
            if (lines.stream().noneMatch(l -> l.startsWith("OPENED "))) {
                beforeOpen++;
            }
            published = Math.max(published, lastNumber(lines, "PUBLISHED "));
            Checked checked = check(dir, conf, child, committed, inDoubt, published, ctx);
            RecoveryPlan plan = checked.plan();
            // If the log ends at the last round known committed, the child may have been inside the
            // commit of the next one.
            inDoubt = plan.lastCommittedRound() == checked.known();
            committed = plan.lastCommittedRound();
            checkMs.add((System.nanoTime() - c0) / 1_000_000);
            history.add("kill " + (i + 1) + " " + modeName(mode) + ": child " + child.pid() + " printed "
                    + lines.stream().filter(l -> !l.startsWith("COMMITTED ")).toList() + ", commits "
                    + firstAndLast(lines) + "; inspection: last committed " + committed + ", start checkpoint "
                    + plan.startRound() + ", in doubt " + inDoubt);
            if (plan.start() != null) {
                resumedFromCheckpoint++;
            }
        }
        // Finally let it run to its stop round and end by itself: a clean close after all the kills.
        long stop = committed + 12;
        ChildProcess child = ChildProcess.start(launcher, args(dir, stop, extraArgs),
                tmp.resolve("child-final.err"));
        int exit = child.waitFor(AWAIT_MS);
        if (exit == -1) {
            child.kill();
        }
        assertEquals(0, exit, name + " final run: exit code; output tail " + tail(child.lines()) + "\nstderr:\n"
                + child.stderrTail());
        assertTrue(child.lines().contains("DONE"), name + " final run printed no DONE");
        published = Math.max(published, lastNumber(child.lines(), "PUBLISHED "));
        RecoveryPlan plan = check(dir, conf, child, committed, inDoubt, published, name + " final run").plan();
        assertEquals(stop, plan.lastCommittedRound(), name + " final run: last committed round");
        System.out.printf(Locale.ROOT, "crash campaign on %s: %d kills in %.1f s (warm-up child %.1f s); "
                + "kill modes %s; %d kills during a checkpoint persist, %d before the child had opened the run; "
                + "%d checks found a start checkpoint; last round %d; median child lifetime %d ms, time to open "
                + "%d ms (open and recovery check in the child %d ms), check %d ms%n",
                name, kills, (System.nanoTime() - t0) / 1e9, warmupSeconds, modes, duringPersist, beforeOpen,
                resumedFromCheckpoint, stop, median(lifeMs), median(openMs), median(openCallMs), median(checkMs));
        assertTrue(resumedFromCheckpoint > 0 || kills < 5, name + ": no checkpoint was ever used");
    }

    private static List<String> args(URI dir, long stop, List<String> extra) {
        List<String> a = new ArrayList<>(List.of("--dir=" + dir, "--stop=" + stop,
                "--checkpointEvery=" + CHECKPOINT_EVERY, "--stateBytes=" + STATE_BYTES,
                "--segmentBytes=" + SEGMENT_BYTES, "--leaseHeartbeatMs=200", "--leaseTimeoutMs=2000",
                "--acquireWaitMs=30000"));
        a.addAll(extra);
        return a;
    }

    private static void await(ChildProcess child, java.util.function.Predicate<String> p, int n, String ctx)
            throws InterruptedException {
        if (!child.awaitLines(p, n, AWAIT_MS)) {
            child.kill();
            fail(ctx + ": the child did not get that far; output tail " + tail(child.lines()) + "\nstderr:\n"
                    + child.stderrTail());
        }
    }

    /**
     * Checks the directory after a child ended (killed or not) against what it printed.
     *
     * @param before    last committed round found by the previous check
     * @param inDoubt   whether round {@code before + 1} may have been durable without being visible to
     *                  that check: its commit was in progress when the previous child was killed. On HDFS
     *                  the next writer's lease recovery may find one more complete record on the DataNode
     *                  than a reader saw (docs/PROTOCOL.md §3.2).
     * @param published highest round any child reported as a published checkpoint
     * @return the plan and the last round known to be committed from the child's output
     */
    private Checked check(URI dir, Configuration conf, ChildProcess child, long before, boolean inDoubt,
                          long published, String ctx) throws IOException {
        List<String> lines = child.lines();
        RecoveryPlan plan = RecoveryDirectory.inspect(dir, conf);
        ctx = ctx + "\nthis child printed " + lines.stream().filter(l -> !l.startsWith("COMMITTED ")).toList()
                + ", commits " + firstAndLast(lines) + "\nlog segments " + plan.chain().segments() + ", recoveries "
                + plan.chain().recoveries() + ", last committed " + plan.lastCommittedRound() + "\n";
        for (String l : lines) {
            if (l.startsWith("VERIFY-FAILED") || l.startsWith("PERSIST-FAILED") || l.startsWith("ERROR")) {
                fail(ctx + ": child reported: " + l + "\nstderr:\n" + child.stderrTail());
            }
        }
        // The child's own recovery plan resumed right after the last committed round.
        long opened = -1;
        for (String l : lines) {
            if (l.startsWith("OPENED ")) {
                opened = Long.parseLong(l.split(" ")[4]);
            }
        }
        if (opened >= 0 && !(inDoubt && opened == before + 2)) {
            assertEquals(before + 1, opened, ctx + ": the child resumed at the wrong round");
        }
        // What it printed is consecutive from there.
        long printed = opened >= 0 ? opened - 1 : before;
        for (String l : lines) {
            if (l.startsWith("COMMITTED ")) {
                long r = Long.parseLong(l.substring("COMMITTED ".length()));
                assertEquals(printed + 1, r, ctx + ": printed rounds are not consecutive");
                printed = r;
            }
        }

        long last = plan.lastCommittedRound();
        assertTrue(last >= printed, ctx + ": round " + printed + " was reported committed, but the log ends at "
                + last);
        assertTrue(last <= printed + 1, ctx + ": the log ends at round " + last + ", more than one round after the "
                + "last reported commit " + printed);
        assertTrue(plan.rejected().isEmpty(), ctx + ": checkpoints rejected: " + plan.rejected());

        List<RoundRecord> rounds = plan.chain().rounds();
        for (int i = 0; i < rounds.size(); i++) {
            RoundRecord rec = rounds.get(i);
            if (i > 0) {
                assertEquals(rounds.get(i - 1).round() + 1, rec.round(), ctx + ": rounds are not consecutive");
            }
            assertArrayEquals(expected(rec.round()), rec.stateChecksum(),
                    ctx + ": record of round " + rec.round() + " has checksum " + rec.stateChecksumHex());
        }
        if (!rounds.isEmpty()) {
            assertEquals(last, rounds.get(rounds.size() - 1).round(), ctx + ": last record");
        }

        VerifiedCheckpoint start = plan.start();
        long startRound = 0;
        if (start != null) {
            startRound = start.round();
            assertTrue(startRound <= last, ctx + ": start checkpoint of round " + startRound + " is after the log's "
                    + last);
            byte[] want = expected(startRound);
            assertArrayEquals(want, start.manifest().stateChecksum(), ctx + ": start checkpoint manifest checksum");
            assertArrayEquals(want, DeterministicState.checksum(start.blobs()),
                    ctx + ": start checkpoint blobs do not hash to round " + startRound + "'s checksum");
            Map<String, byte[]> state = DeterministicState.blobs(startRound, STATE_BYTES);
            assertEquals(state.keySet(), start.blobs().keySet(), ctx + ": start checkpoint blob names");
            for (Map.Entry<String, byte[]> e : state.entrySet()) {
                assertTrue(Arrays.equals(e.getValue(), start.blobs().get(e.getKey())),
                        ctx + ": start checkpoint blob " + e.getKey());
            }
        } else {
            assertTrue(rounds.isEmpty() || rounds.get(0).round() == 1,
                    ctx + ": no start checkpoint and the log does not reach back to round 1");
        }
        // A published checkpoint stays until a newer one is published: recovery never starts older.
        assertTrue(startRound >= published, ctx + ": checkpoint of round " + published
                + " was reported published, but recovery would start from round " + startRound);
        List<RoundRecord> replay = plan.replay();
        assertEquals(last - startRound, replay.size(), ctx + ": rounds to replay after the start state");
        if (!replay.isEmpty()) {
            assertEquals(startRound + 1, replay.get(0).round(), ctx + ": first round to replay");
        }
        return new Checked(plan, printed);
    }

    /**
     * @param known the last round known to be committed: the one before the child's resumption
     *              point, or the last it printed, or the previous check's
     */
    private record Checked(RecoveryPlan plan, long known) {
    }

    private byte[] expected(long round) {
        return checksums.computeIfAbsent(round, r -> DeterministicState.checksum(r, STATE_BYTES));
    }

    private static long lastNumber(List<String> lines, String prefix) {
        long v = -1;
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                v = Long.parseLong(l.substring(prefix.length()).split(" ")[0]);
            }
        }
        return v;
    }

    private static String modeName(int mode) {
        return mode < 2 ? "wall-clock" : mode < 7 ? "after-commit" : "after-persist-start";
    }

    private static String firstAndLast(List<String> lines) {
        List<String> c = lines.stream().filter(l -> l.startsWith("COMMITTED ")).toList();
        return c.isEmpty() ? "none" : c.get(0).substring(10) + ".." + c.get(c.size() - 1).substring(10);
    }

    private static String lastField(List<String> lines, String prefix, int field) {
        String v = "?";
        for (String l : lines) {
            if (l.startsWith(prefix)) {
                v = l.split(" ")[field];
            }
        }
        return v;
    }

    private static long median(List<Long> v) {
        if (v.isEmpty()) {
            return -1;
        }
        List<Long> sorted = new ArrayList<>(v);
        sorted.sort(null);
        return sorted.get(sorted.size() / 2);
    }

    private static String tail(List<String> lines) {
        return lines.subList(Math.max(0, lines.size() - 8), lines.size()).toString();
    }
}
