package io.txtrain.core.lease;

import java.io.IOException;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;

/**
 * The writer epochs a checkpoint directory shows: in lease file names, and in the names of log
 * segments and checkpoints (whose headers and manifests must agree with their names, docs/PROTOCOL.md
 * §3.2, §4). Names txtrain does not write are skipped here; recovery refuses them with their name.
 *
 * @param lease      the highest epoch of a lease file, 0 if there is none
 * @param leaseFile  that lease file, or null
 * @param run        the highest epoch of a log segment or checkpoint, 0 if there is none
 * @param runFile    the file or directory carrying it, or null
 */
record RunEpochs(long lease, Path leaseFile, long run, Path runFile) {

    static RunEpochs read(DurableFs fs, DirLayout layout, boolean withCheckpoints) throws IOException {
        long lease = 0;
        Path leaseFile = null;
        for (FileStatus s : fs.list(layout.leaseDir())) {
            long e = DirLayout.parseLease(s.getPath().getName());
            if (e > lease) {
                lease = e;
                leaseFile = s.getPath();
            }
        }
        long run = 0;
        Path runFile = null;
        for (FileStatus s : fs.list(layout.logDir())) {
            long[] k = DirLayout.parseSegment(s.getPath().getName());
            if (k != null && k[0] > run) {
                run = k[0];
                runFile = s.getPath();
            }
        }
        if (withCheckpoints) {
            for (FileStatus s : fs.list(layout.checkpointDir())) {
                String n = s.getPath().getName();
                long[] k = DirLayout.parseCheckpoint(n);
                if (k == null) {
                    k = DirLayout.parseTmpCheckpoint(n);
                }
                if (k != null && k[1] > run) {
                    run = k[1];
                    runFile = s.getPath();
                }
            }
        }
        return new RunEpochs(lease, leaseFile, run, runFile);
    }

    /** The highest epoch anywhere. */
    long highest() {
        return Math.max(lease, run);
    }

    /** The file that carries {@link #highest()}. */
    Path highestFile() {
        return lease >= run ? leaseFile : runFile;
    }
}
