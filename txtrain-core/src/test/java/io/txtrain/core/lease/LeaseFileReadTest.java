package io.txtrain.core.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.fs.DurableOutput;
import io.txtrain.core.testing.MiniDfsExtension;
import io.txtrain.core.testing.TestFs;

/**
 * A start that loses the race for a writer epoch names the winner from the winner's lease file.
 * On HDFS it reads that file only once the winner has closed it: a read of a block that the
 * DataNodes are still setting up can stall in the HDFS client's retries for seconds, past the
 * wait for the holder's name (a concurrent-starts test failed that way in CI).
 */
class LeaseFileReadTest {
    @RegisterExtension
    static final MiniDfsExtension DFS = MiniDfsExtension.shared();
    private static final TestFs FS = TestFs.hdfs(DFS);

    @Test
    void aLeaseFileItsWriterStillHasOpenIsReadAfterItIsClosed() throws Exception {
        DirLayout l = FS.layout(FS.newDir("lease-read"));
        DurableFs fs = FS.durable();
        fs.mkdirs(l.leaseDir());
        Path lease = l.lease(1);
        LeaseRecord winner = LeaseRecord.forThisProcess(1, "winner");
        byte[] frame = FrameCodec.encode(RecordType.LEASE, winner.encode());
        DurableOutput out = fs.create(lease, true);
        out.write(frame, 0, frame.length);
        out.sync(); // the whole record is readable, but the file is still open
        AtomicBoolean closing = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            try {
                Thread.sleep(500);
                closing.set(true);
                out.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        closer.start();
        LeaseRecord read = WriterLease.readSettled(fs, lease);
        boolean closedBeforeRead = closing.get();
        closer.join();
        assertTrue(closedBeforeRead, "the lease file was read while its writer still had it open");
        assertEquals(winner, read, "the winner is named");
        assertTrue(fs.isClosed(lease));
        assertTrue(fs.isClosed(l.lease(2)), "a file that does not exist has no writer");
    }
}
