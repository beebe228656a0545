package io.txtrain.campaign;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/** Damage done to files on HDFS behind txtrain's back, as storage faults and crashed writers do. */
final class FileFaults {
    private FileFaults() {
    }

    /** Flips one bit of the byte at {@code offset}, rewriting the file (HDFS's own checksums then agree). */
    static void flipByte(FileSystem fs, Path file, long offset, int bit) throws IOException {
        byte[] bytes = readAll(fs, file);
        bytes[(int) offset] ^= (byte) (1 << bit);
        try (FSDataOutputStream out = fs.create(file, true)) {
            out.write(bytes);
        }
    }

    /** Appends {@code tail} to a file whose writer was killed, after HDFS has recovered its lease. */
    static void appendAfterCrash(DistributedFileSystem fs, Path file, byte[] tail) throws IOException,
            InterruptedException {
        recoverLease(fs, file);
        try (FSDataOutputStream out = fs.append(file)) {
            out.write(tail);
            out.hsync();
        }
    }

    /** Closes a file a killed writer left open, as the next writer's HDFS lease recovery would. */
    static void recoverLease(DistributedFileSystem fs, Path file) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (!fs.recoverLease(file)) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("HDFS did not recover the lease of " + file);
            }
            Thread.sleep(250);
        }
    }

    static byte[] readAll(FileSystem fs, Path file) throws IOException {
        long len = fs.getFileStatus(file).getLen();
        byte[] bytes = new byte[(int) len];
        try (FSDataInputStream in = fs.open(file)) {
            in.readFully(0, bytes);
        }
        return bytes;
    }

    /** Every file under {@code root} with its length and modification time, except under {@code skip}. */
    static TreeMap<String, String> listing(FileSystem fs, Path root, String skip) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            LocatedFileStatus s = it.next();
            String rel = s.getPath().toUri().getPath().substring(root.toUri().getPath().length());
            if (!rel.startsWith("/" + skip + "/")) {
                out.put(rel, s.getLen() + "@" + s.getModificationTime());
            }
        }
        return out;
    }

    /** Regular files directly under {@code dir}. */
    static List<FileStatus> files(FileSystem fs, Path dir) throws IOException {
        List<FileStatus> out = new ArrayList<>();
        for (FileStatus s : fs.listStatus(dir)) {
            if (s.isFile()) {
                out.add(s);
            }
        }
        return out;
    }

    static <T> T pick(Random random, List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
