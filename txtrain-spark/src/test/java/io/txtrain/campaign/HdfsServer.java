package io.txtrain.campaign;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Random;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;

/**
 * A MiniDFSCluster (one NameNode, three DataNodes, replication 2, 1 MB blocks) in its own JVM,
 * driven by one command per stdin line; each command is answered by one stdout line, {@code OK ...}
 * or {@code ERR ...}. Commands: {@code stop-datanode}, {@code restart-datanodes},
 * {@code restart-namenode}, {@code quota PATH BYTES}, {@code clear-quota PATH}, {@code quit}.
 * Prints {@code READY hdfs://host:port} once the cluster is up. args: baseDir seed
 */
public final class HdfsServer {
    /**
     * Client settings, used by the campaign's drivers too: 1 MB blocks (a space quota counts whole
     * blocks), replication 2 of 3 DataNodes (so that a
     * write pipeline can replace a lost DataNode, as on a real cluster), and NameNode call retries
     * that outlast a NameNode restart: without HA, HDFS clients give up on the first refused
     * connection unless {@code dfs.client.retry.policy.enabled} is set (the ipc.client.connect.*
     * keys do not apply to NameNode calls).
     */
    public static final String[][] CLIENT_CONF = {
        {"dfs.replication", "2"},
        {"dfs.blocksize", "1048576"},
        {"dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "20"},
        {"dfs.client.retry.policy.enabled", "true"},
        {"dfs.client.retry.policy.spec", "1000,60"},
    };

    private HdfsServer() {
    }

    public static void main(String[] args) throws Exception {
        Configuration conf = new Configuration();
        conf.setInt("dfs.heartbeat.interval", 1);
        conf.setInt("dfs.namenode.heartbeat.recheck-interval", 2000);
        for (String[] kv : CLIENT_CONF) {
            conf.set(kv[0], kv[1]);
        }
        MiniDFSCluster dfs = new MiniDFSCluster.Builder(conf, new File(args[0]).getAbsoluteFile()).numDataNodes(3)
                .format(true).build();
        dfs.waitActive();
        Random random = new Random(Long.parseLong(args[1]));
        Deque<MiniDFSCluster.DataNodeProperties> stopped = new ArrayDeque<>();
        System.out.println("READY " + dfs.getURI());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] cmd = line.trim().split(" ");
            String reply;
            try {
                reply = switch (cmd[0]) {
                    case "stop-datanode" -> {
                        int i = random.nextInt(dfs.getDataNodes().size());
                        String name = dfs.getDataNodes().get(i).getDatanodeId().getXferAddr();
                        stopped.push(dfs.stopDataNode(i));
                        yield "OK stopped DataNode " + name;
                    }
                    case "restart-datanodes" -> {
                        int n = stopped.size();
                        while (!stopped.isEmpty()) {
                            dfs.restartDataNode(stopped.pop(), true);
                        }
                        dfs.waitActive();
                        yield "OK restarted " + n;
                    }
                    case "restart-namenode" -> {
                        long t0 = System.nanoTime();
                        dfs.restartNameNode(true);
                        dfs.waitActive();
                        yield "OK NameNode back after " + (System.nanoTime() - t0) / 1_000_000 + " ms";
                    }
                    case "quota" -> {
                        fs(dfs).setQuota(new Path(cmd[1]), HdfsConstants.QUOTA_DONT_SET, Long.parseLong(cmd[2]));
                        yield "OK";
                    }
                    case "clear-quota" -> {
                        fs(dfs).setQuota(new Path(cmd[1]), HdfsConstants.QUOTA_DONT_SET, HdfsConstants.QUOTA_RESET);
                        yield "OK";
                    }
                    case "quit" -> {
                        dfs.shutdown(true);
                        yield "OK bye";
                    }
                    default -> "ERR unknown command " + cmd[0];
                };
            } catch (Exception e) {
                reply = "ERR " + e;
            }
            System.out.println(reply);
            System.out.flush();
            if (cmd[0].equals("quit")) {
                return;
            }
        }
        dfs.shutdown(true);
    }

    private static DistributedFileSystem fs(MiniDFSCluster dfs) throws java.io.IOException {
        return dfs.getFileSystem();
    }
}
