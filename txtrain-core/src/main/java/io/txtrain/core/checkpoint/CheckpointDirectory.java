package io.txtrain.core.checkpoint;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.codec.CorruptFrameException;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DirLayout;
import io.txtrain.core.fs.DurableFs;

/**
 * Reads the directory checkpoints of earlier writers (docs/PROTOCOL.md §4.2): a {@code MANIFEST}
 * file and one {@code blob-<name>} file per blob. Nothing writes this format any more.
 */
final class CheckpointDirectory {
    private static final int READ_CHUNK = 1 << 20;

    private CheckpointDirectory() {
    }

    /** As {@link CheckpointFile#check}, for a checkpoint directory. */
    static Manifest check(DurableFs fs, CheckpointRef ref, List<CheckpointDefect> defects, Map<String, byte[]> keep)
            throws IOException {
        Manifest m = manifest(fs, ref, defects);
        if (m == null) {
            return null;
        }
        for (Manifest.Entry e : m.entries()) {
            Path bp = new Path(ref.path(), DirLayout.BLOB_PREFIX + e.name());
            if (!fs.exists(bp)) {
                defects.add(CheckpointFile.damaged(bp, -1, "blob is missing; the manifest lists it with "
                        + e.length() + " bytes"));
                continue;
            }
            long len = fs.status(bp).getLen();
            if (len != e.length()) {
                defects.add(CheckpointFile.damaged(bp, Math.min(len, e.length()), "length " + len + ", manifest says "
                        + e.length()));
                continue;
            }
            byte[] whole = keep == null ? null : new byte[(int) len]; // len verified against the manifest
            int crc = crc(fs, bp, len, whole);
            if (crc != e.crc32c()) {
                defects.add(CheckpointFile.damaged(bp, -1, "CRC32C of bytes 0-" + Math.max(0, len - 1)
                        + " (the whole blob) is " + CheckpointFile.hex(crc) + ", the manifest says "
                        + CheckpointFile.hex(e.crc32c()) + " (CRC32C mismatch): the blob is damaged"));
                continue;
            }
            if (keep != null) {
                keep.put(e.name(), whole);
            }
        }
        return m;
    }

    static Manifest manifest(DurableFs fs, CheckpointRef ref, List<CheckpointDefect> defects) throws IOException {
        Path mp = new Path(ref.path(), DirLayout.MANIFEST);
        if (!fs.exists(mp)) {
            defects.add(CheckpointFile.damaged(mp, -1, "MANIFEST is missing"));
            return null;
        }
        long len = fs.status(mp).getLen();
        try (FSDataInputStream in = fs.open(mp)) {
            FrameReader r = new FrameReader(in, mp.toString(), len);
            Frame f = r.expect(RecordType.MANIFEST);
            if (r.position() != len) {
                defects.add(CheckpointFile.damaged(mp, r.position(), "trailing bytes after the manifest record"));
                return null;
            }
            Manifest m = Manifest.decode(f.payload());
            if (m.round() != ref.round() || m.writerEpoch() != ref.writerEpoch()) {
                defects.add(CheckpointFile.damaged(mp, 0, "manifest is for round " + m.round() + " epoch "
                        + m.writerEpoch() + ", not the directory's"));
                return null;
            }
            return m;
        } catch (CorruptFrameException e) {
            defects.add(CheckpointFile.damaged(mp, e.offset(), e.reason()));
            return null;
        } catch (PayloadReader.MalformedPayloadException e) {
            defects.add(CheckpointFile.damaged(mp, 0, e.getMessage()));
            return null;
        }
    }

    /** CRC32C of a file, read in fixed-size chunks; with {@code into}, the bytes are kept there too. */
    private static int crc(DurableFs fs, Path p, long len, byte[] into) throws IOException {
        CRC32C crc = new CRC32C();
        byte[] buf = into != null ? into : new byte[(int) Math.min(READ_CHUNK, Math.max(1, len))];
        try (FSDataInputStream in = fs.open(p)) {
            long at = 0;
            while (at < len) {
                int n = (int) Math.min(into != null ? len - at : buf.length, len - at);
                int off = into != null ? (int) at : 0;
                in.readFully(at, buf, off, n);
                crc.update(buf, off, n);
                at += n;
            }
        }
        return (int) crc.getValue();
    }
}
