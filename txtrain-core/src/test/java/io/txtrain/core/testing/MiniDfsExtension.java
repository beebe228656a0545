package io.txtrain.core.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link MiniDFSCluster} for a test class; register it as a static field with
 * {@code @RegisterExtension}. Its directories live under {@code target/minidfs/}.
 *
 * <ul>
 *   <li>{@link #dedicated(int, int)}: started before the class and shut down after it; for tests
 *       that stop DataNodes or restart the NameNode.</li>
 *   <li>{@link #shared()}: one single-DataNode cluster for the whole test JVM, started by the first
 *       class that asks and shut down when JUnit closes its root store. Starting a cluster costs
 *       15-30 s of CPU on a small machine, so classes that leave the cluster intact share it (each
 *       test works in its own directory).</li>
 * </ul>
 * Heartbeats are 1 s so that HDFS lease and block recovery finish quickly.
 */
public final class MiniDfsExtension implements BeforeAllCallback, AfterAllCallback {
    private final int dataNodes;
    private final int replication;
    private final boolean shared;
    private Cluster cluster;

    private MiniDfsExtension(int dataNodes, int replication, boolean shared) {
        this.dataNodes = dataNodes;
        this.replication = replication;
        this.shared = shared;
    }

    public static MiniDfsExtension dedicated(int dataNodes, int replication) {
        return new MiniDfsExtension(dataNodes, replication, false);
    }

    public static MiniDfsExtension shared() {
        return new MiniDfsExtension(1, 1, true);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        if (!shared) {
            cluster = new Cluster(context.getRequiredTestClass().getSimpleName(), dataNodes, replication);
            return;
        }
        ExtensionContext.Store store = context.getRoot().getStore(ExtensionContext.Namespace.create(MiniDfsExtension.class));
        cluster = store.getOrComputeIfAbsent("shared", k -> {
            try {
                return new Cluster("shared", dataNodes, replication);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Cluster.class);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (!shared && cluster != null) {
            cluster.close();
        }
        cluster = null;
    }

    public MiniDFSCluster cluster() {
        return cluster.dfs;
    }

    /** The client configuration of the cluster (a copy: tests may change it freely). */
    public Configuration conf() {
        return new Configuration(cluster.dfs.getConfiguration(0));
    }

    /** hdfs://host:port of the NameNode. */
    public URI uri() {
        return cluster.dfs.getURI();
    }

    public DistributedFileSystem fs() throws IOException {
        return cluster.dfs.getFileSystem();
    }

    /** A running cluster; {@link AutoCloseable} so that JUnit's root store shuts the shared one down. */
    static final class Cluster implements AutoCloseable {
        final MiniDFSCluster dfs;

        Cluster(String name, int dataNodes, int replication) throws IOException {
            File base = new File("target/minidfs/" + name + "-" + System.nanoTime()).getAbsoluteFile();
            Configuration conf = new Configuration();
            conf.setInt("dfs.replication", replication);
            conf.setInt("dfs.heartbeat.interval", 1);
            conf.setInt("dfs.namenode.heartbeat.recheck-interval", 2000);
            conf.setLong("dfs.blocksize", 8L << 20);
            // closing a file retries until the NameNode has the DataNode's block report; the default
            // first back-off of 400 ms would dominate these tests' run time
            conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 20);
            // the NameNode may be away for a few seconds in restart tests: keep retrying
            conf.setInt("ipc.client.connect.max.retries", 40);
            conf.setInt("ipc.client.connect.retry.interval", 250);
            dfs = new MiniDFSCluster.Builder(conf, base).numDataNodes(dataNodes).format(true).build();
            dfs.waitActive();
        }

        @Override
        public void close() {
            dfs.shutdown(true);
        }
    }
}
