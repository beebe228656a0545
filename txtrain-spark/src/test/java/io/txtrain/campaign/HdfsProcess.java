package io.txtrain.campaign;

import java.io.File;
import java.io.IOException;
import java.net.URI;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

import io.txtrain.spark.testing.ChildJvm;

/** The campaign's HDFS: a {@link HdfsServer} child JVM and a client of it. */
final class HdfsProcess implements AutoCloseable {
    private final ChildJvm jvm;
    private final URI uri;
    private final Configuration conf = new Configuration();

    private HdfsProcess(ChildJvm jvm, URI uri) {
        this.jvm = jvm;
        this.uri = uri;
        for (String[] kv : HdfsServer.CLIENT_CONF) {
            conf.set(kv[0], kv[1]);
        }
        conf.setBoolean("fs.hdfs.impl.disable.cache", true);
    }

    static HdfsProcess start(File base, File log, long seed) throws IOException, InterruptedException {
        ChildJvm jvm = ChildJvm.start(HdfsServer.class, log, base.getAbsolutePath(), Long.toString(seed));
        String line;
        while ((line = jvm.nextLine(300)) != null) {
            if (line.startsWith("READY ")) {
                return new HdfsProcess(jvm, URI.create(line.substring(6).trim()));
            }
        }
        throw new IOException("HDFS process ended before it was ready; see " + log);
    }

    URI uri() {
        return uri;
    }

    Configuration conf() {
        return new Configuration(conf);
    }

    FileSystem fs() throws IOException {
        return FileSystem.get(uri, conf);
    }

    /** Runs one command in the HDFS process; returns its OK reply, throws on ERR. */
    String command(String cmd) throws IOException, InterruptedException {
        jvm.send(cmd);
        String reply = jvm.nextLine(300);
        if (reply == null || !reply.startsWith("OK")) {
            throw new IOException("HDFS command '" + cmd + "' failed: " + reply);
        }
        return reply;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            command("quit");
        } catch (IOException e) {
            // already gone
        }
        jvm.close();
    }
}
