package io.txtrain.core.checkpoint;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;

import io.txtrain.core.codec.CorruptFrameException;
import io.txtrain.core.codec.Frame;
import io.txtrain.core.codec.FrameCodec;
import io.txtrain.core.codec.FrameReader;
import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.RecordType;
import io.txtrain.core.fs.DurableFs;
import io.txtrain.core.fs.DurableOutput;

/**
 * The one-file checkpoint (docs/PROTOCOL.md §4): every blob's bytes back to back in the manifest's
 * order, then one {@code MANIFEST} frame, then a 12-byte footer (the manifest frame's offset and
 * the magic {@code TXCK}). A file without a valid footer and manifest, or whose blobs do not
 * match the manifest's lengths and CRC32C values, is reported as damaged, never trusted.
 */
final class CheckpointFile {
    static final int FOOTER_BYTES = 12;
    static final int FOOTER_MAGIC = 0x5458434B; // "TXCK"
    private static final int WRITE_CHUNK = 4 << 20;
    private static final int READ_CHUNK = 1 << 20;
    /** The largest manifest frame a reader accepts (the frame bound of §2). */
    private static final long MAX_MANIFEST_FRAME = FrameCodec.HEADER_BYTES + FrameCodec.MAX_PAYLOAD + FrameCodec.CRC_BYTES;

    private CheckpointFile() {
    }

    /**
     * Writes the whole checkpoint to {@code out} (not synced); each blob's CRC32C is computed while
     * its bytes are written, in one pass over them.
     */
    static Manifest write(DurableOutput out, CheckpointSnapshot snap, long writerEpoch, long createdMillis)
            throws IOException {
        List<Manifest.Entry> entries = new ArrayList<>();
        long at = 0;
        for (String name : snap.names()) {
            CRC32C crc = new CRC32C();
            long length = 0;
            for (ByteBuffer b : snap.blob(name)) {
                // in slices: each is checksummed and written while it is in the CPU's cache, and a
                // heap array's temporary direct buffer (the JDK's, on a FileChannel) stays bounded
                while (b.hasRemaining()) {
                    int n = Math.min(WRITE_CHUNK, b.remaining());
                    ByteBuffer slice = b.slice(b.position(), n);
                    crc.update(slice);
                    out.write(slice.rewind());
                    b.position(b.position() + n);
                    length += n;
                }
            }
            entries.add(new Manifest.Entry(name, length, (int) crc.getValue()));
            at += length;
        }
        Manifest m = new Manifest(snap.round(), writerEpoch, createdMillis, snap.stateChecksum(), entries);
        out.write(FrameCodec.encode(RecordType.MANIFEST, m.encode()));
        out.write(ByteBuffer.allocate(FOOTER_BYTES).putLong(at).putInt(FOOTER_MAGIC).array());
        return m;
    }

    /**
     * Verifies the file of {@code len} bytes (rules a and b of §4) with a fixed-size buffer, or, with
     * {@code keep}, reading each blob once into its own array. Returns the manifest, or null if it
     * does not verify; every problem found goes to {@code defects}.
     */
    static Manifest check(DurableFs fs, CheckpointRef ref, long len, List<CheckpointDefect> defects,
                          Map<String, byte[]> keep) throws IOException {
        Path p = ref.path();
        try (FSDataInputStream in = fs.open(p)) {
            Manifest m = manifest(in, ref, len, defects);
            if (m == null) {
                return null;
            }
            byte[] buf = keep != null ? null : new byte[(int) Math.min(READ_CHUNK, Math.max(1, m.totalBytes()))];
            long at = 0;
            for (Manifest.Entry e : m.entries()) {
                byte[] whole = keep == null ? null : new byte[(int) e.length()];
                int crc = crc(in, at, e.length(), whole != null ? whole : buf, whole != null);
                if (crc != e.crc32c()) {
                    defects.add(damaged(p, at, "CRC32C of blob '" + e.name() + "' (bytes " + at + "-"
                            + (at + Math.max(0, e.length() - 1)) + " of the file) is " + hex(crc) + ", the manifest says "
                            + hex(e.crc32c()) + " (CRC32C mismatch): the blob is damaged"));
                } else if (keep != null) {
                    keep.put(e.name(), whole);
                }
                at += e.length();
            }
            return m;
        }
    }

    /** Reads and verifies the footer and the manifest; null (with a defect) if they do not verify. */
    static Manifest manifest(FSDataInputStream in, CheckpointRef ref, long len, List<CheckpointDefect> defects)
            throws IOException {
        Path p = ref.path();
        if (len < FOOTER_BYTES) {
            defects.add(damaged(p, 0, "file of " + len + " bytes is too short for a checkpoint footer: the MANIFEST"
                    + " is missing (the file is cut short)"));
            return null;
        }
        byte[] footer = new byte[FOOTER_BYTES];
        in.readFully(len - FOOTER_BYTES, footer, 0, FOOTER_BYTES);
        ByteBuffer f = ByteBuffer.wrap(footer);
        long manifestAt = f.getLong();
        if (f.getInt() != FOOTER_MAGIC) {
            defects.add(damaged(p, len - FOOTER_BYTES, "the last " + FOOTER_BYTES + " bytes are not a checkpoint"
                    + " footer (magic TXCK): the MANIFEST is missing (the file is cut short or damaged)"));
            return null;
        }
        long frameLen = len - FOOTER_BYTES - manifestAt;
        if (manifestAt < 0 || frameLen < FrameCodec.HEADER_BYTES + FrameCodec.CRC_BYTES
                || frameLen > MAX_MANIFEST_FRAME) {
            defects.add(damaged(p, len - FOOTER_BYTES, "the footer places the MANIFEST at offset " + manifestAt
                    + ", which leaves no valid frame before the footer (file of " + len + " bytes)"));
            return null;
        }
        byte[] frame = new byte[(int) frameLen];
        in.readFully(manifestAt, frame, 0, frame.length);
        Manifest m;
        try {
            FrameReader r = new FrameReader(new ByteArrayInputStream(frame), p.toString(), frameLen);
            Frame fr = r.expect(RecordType.MANIFEST);
            if (r.position() != frameLen) {
                defects.add(damaged(p, manifestAt + r.position(), "bytes between the MANIFEST frame and the footer"));
                return null;
            }
            m = Manifest.decode(fr.payload());
        } catch (CorruptFrameException e) {
            defects.add(damaged(p, manifestAt + e.offset(), "MANIFEST: " + e.reason()));
            return null;
        } catch (PayloadReader.MalformedPayloadException e) {
            defects.add(damaged(p, manifestAt, "MANIFEST: " + e.getMessage()));
            return null;
        }
        if (m.round() != ref.round() || m.writerEpoch() != ref.writerEpoch()) {
            defects.add(damaged(p, manifestAt, "manifest is for round " + m.round() + " epoch " + m.writerEpoch()
                    + ", not the file name's"));
            return null;
        }
        for (Manifest.Entry e : m.entries()) {
            if (e.length() < 0 || e.length() > Integer.MAX_VALUE - 8) {
                defects.add(damaged(p, manifestAt, "the manifest gives blob '" + e.name() + "' an impossible length "
                        + e.length()));
                return null;
            }
        }
        if (m.totalBytes() != manifestAt) {
            defects.add(damaged(p, manifestAt, "the manifest's blobs take " + m.totalBytes() + " bytes, but the"
                    + " MANIFEST starts at offset " + manifestAt + " (length mismatch)"));
            return null;
        }
        return m;
    }

    /** CRC32C of {@code length} bytes from {@code at}; with {@code whole}, read into {@code buf} entire. */
    private static int crc(FSDataInputStream in, long at, long length, byte[] buf, boolean whole) throws IOException {
        CRC32C crc = new CRC32C();
        long done = 0;
        while (done < length) {
            int n = (int) (whole ? length - done : Math.min(buf.length, length - done));
            int off = whole ? (int) done : 0;
            in.readFully(at + done, buf, off, n);
            crc.update(buf, off, n);
            done += n;
        }
        return (int) crc.getValue();
    }

    static CheckpointDefect damaged(Path p, long offset, String message) {
        return new CheckpointDefect(p, offset, CheckpointDefect.Kind.DAMAGED, message);
    }

    static String hex(int crc) {
        return String.format("%08x", crc);
    }
}
