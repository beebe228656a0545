package io.txtrain.core.testing;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.hadoop.hdfs.server.datanode.DataNodeFaultInjector;

/**
 * Holds the {@code n}-th data packet that any DataNode of the in-JVM {@link
 * org.apache.hadoop.hdfs.MiniDFSCluster} is about to forward down its write pipeline, until
 * {@link #close()}. While it is held the client cannot finish the block, so a test knows for
 * certain that a write is in progress, and which DataNode is next in its pipeline.
 */
public final class PacketGate extends DataNodeFaultInjector implements AutoCloseable {
    private final DataNodeFaultInjector previous = DataNodeFaultInjector.get();
    private final AtomicInteger countdown;
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile String downstream;

    private PacketGate(int n) {
        this.countdown = new AtomicInteger(n);
    }

    public static PacketGate holdPacket(int n) {
        PacketGate gate = new PacketGate(n);
        DataNodeFaultInjector.set(gate);
        return gate;
    }

    @Override
    public void stopSendingPacketDownstream(String mirrorAddress) throws IOException {
        if (countdown.decrementAndGet() != 0) {
            return;
        }
        downstream = mirrorAddress;
        held.countDown();
        try {
            if (!released.await(5, TimeUnit.MINUTES)) {
                throw new IOException("packet gate was never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("DataNode shut down while a packet was held");
        }
    }

    /** Waits until the packet is held; returns the transfer address of the next DataNode in its pipeline. */
    public String awaitHeld(Duration timeout) throws InterruptedException {
        if (!held.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no DataNode forwarded " + "the expected packet within " + timeout);
        }
        return downstream;
    }

    /** Lets the packet go on and uninstalls the gate. */
    @Override
    public void close() {
        DataNodeFaultInjector.set(previous);
        released.countDown();
    }
}
