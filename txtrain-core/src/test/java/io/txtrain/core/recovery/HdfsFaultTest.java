package io.txtrain.core.recovery;

import static io.txtrain.core.testing.Rounds.assertPlan;
import static io.txtrain.core.testing.Rounds.assertState;
import static io.txtrain.core.testing.Rounds.checkpoint;
import static io.txtrain.core.testing.Rounds.checksum;
import static io.txtrain.core.testing.Rounds.commit;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;

import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.HdfsConstants.SafeModeAction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.txtrain.core.checkpoint.CheckpointSnapshot;
import io.txtrain.core.checkpoint.CheckpointStore;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.testing.MiniDfsExtension;
import io.txtrain.core.testing.PacketGate;
import io.txtrain.core.testing.Poll;
import io.txtrain.core.testing.RecordingListener;
import io.txtrain.core.testing.Rounds;
import io.txtrain.core.testing.TestFs;

/** HDFS failures under a live writer: a MiniDFSCluster of three DataNodes, replication 2. */
class HdfsFaultTest {
    @RegisterExtension
    static final MiniDfsExtension DFS = MiniDfsExtension.dedicated(3, 2);
    private static final TestFs FS = TestFs.hdfs(DFS);
    private static final int BIG = 64 << 20;

    private final RecordingListener listener = new RecordingListener();

    /**
     * A DataNode of the write pipeline is stopped while an 80 MB checkpoint (64 MB of parameters)
     * is being persisted. To know the persist is in progress, a {@link PacketGate} holds the 100th
     * packet a DataNode forwards (inside the parameters blob) until the next DataNode of that
     * pipeline has been stopped. The persist must either publish a checkpoint that verifies or
     * fail cleanly (listener told, nothing published, temporary directory gone); the earlier
     * checkpoint stays valid and commits go on. With replication 2, HDFS's default
     * replace-datanode-on-failure policy continues a pipeline on the remaining DataNode, so in
     * practice the persist completes.
     */
    @Test
    void dataNodeLostDuringCheckpointPersist() throws Exception {
        URI dir = FS.newDir("dn-loss");
        DirLayout l = FS.layout(dir);
        CheckpointStore store = new CheckpointStore(FS.durable(), l);
        MiniDFSCluster cluster = DFS.cluster();
        MiniDFSCluster.DataNodeProperties stopped = null;
        RecordingListener.Outcome outcome;
        String next;
        try (OpenRun run = Rounds.open(FS, dir, CoreSettings.DEFAULTS, listener)) {
            commit(run, 1, 2);
            assertTrue(checkpoint(run, 1));
            commit(run, 3, 3);
            CheckpointSnapshot big = run.snapshot(3, checksum(3), Rounds.state(3, BIG));
            try (PacketGate gate = PacketGate.holdPacket(100)) {
                assertTrue(run.checkpoints().persistAsync(big));
                next = gate.awaitHeld(Duration.ofMinutes(1));
                assertTrue(run.checkpoints().persistInFlight());
                assertFalse(store.listTemporary().isEmpty(), "the checkpoint is being written");
                stopped = cluster.stopDataNode(next);
                assertNotNull(stopped, "stopped DataNode " + next);
            }
            outcome = listener.await(3, Duration.ofMinutes(3));
            System.out.println("checkpoint persist after stopping DataNode " + next + ": "
                    + (outcome.published() ? "published" : "failed: " + outcome.error()));
            if (outcome.published()) {
                assertState(store.load(outcome.ref()), 3);
            } else {
                assertNotNull(outcome.error());
                assertFalse(FS.fs().exists(l.checkpoint(3, 1)));
                assertTrue(store.listTemporary().isEmpty());
            }
            assertState(store.load(listener.outcome(1).ref()), 1); // the earlier checkpoint
            commit(run, 4, 6); // the log's pipeline may have lost the DataNode too: commits go on
        } finally {
            if (stopped != null) {
                cluster.restartDataNode(stopped, true);
                cluster.waitActive();
            }
        }
        assertPlan(Rounds.inspect(FS, dir), outcome.published() ? 3 : 1, 6);
        try (OpenRun run = Rounds.open(FS, dir, CoreSettings.DEFAULTS, listener)) {
            assertPlan(run.plan(), outcome.published() ? 3 : 1, 6);
        }
    }

    /**
     * The NameNode restarts (and leaves safe mode) between two commits of a live writer.
     *
     * <p>What happens with Hadoop 3.3.4: nothing breaks. The open segment's output stream writes
     * to the DataNodes, which kept running; its NameNode calls (the length update of each sync,
     * the fence check, block allocation) are retried by the client until the restarted NameNode
     * answers, and the client's HDFS lease on the segment survives the restart. So the same
     * {@link OpenRun} commits on without reopening, rolls to new segments and publishes a
     * checkpoint; a later writer sees every round, before and after the restart.
     */
    @Test
    void nameNodeRestartBetweenCommits() throws Exception {
        URI dir = FS.newDir("nn-restart");
        MiniDFSCluster cluster = DFS.cluster();
        try (OpenRun run = Rounds.open(FS, dir, CoreSettings.DEFAULTS.withSegmentBytes(4096), listener)) {
            commit(run, 1, 5);
            assertTrue(checkpoint(run, 4));
            cluster.restartNameNode(true);
            Poll.until("NameNode out of safe mode", Duration.ofMinutes(1),
                    () -> !DFS.fs().setSafeMode(SafeModeAction.SAFEMODE_GET));
            commit(run, 6, 20);

            assertTrue(checkpoint(run, 20));
        }
        RecoveryPlan plan = Rounds.inspect(FS, dir);
        assertPlan(plan, 20, 20);
        assertTrue(plan.chain().round(5) != null && plan.chain().segments().size() >= 3,
                "rounds before the restart kept, segments rolled after it: " + plan.chain().segments());
        try (OpenRun run = Rounds.open(FS, dir, CoreSettings.DEFAULTS, listener)) {
            assertPlan(run.plan(), 20, 20);
            commit(run, 21, 21);
        }
    }
}
