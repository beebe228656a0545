package io.txtrain.core.checkpoint;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.txtrain.core.codec.PayloadReader;
import io.txtrain.core.codec.PayloadWriter;

/** The manifest of a checkpoint: what must be present, and with which lengths and CRC32C values. */
public record Manifest(long round, long writerEpoch, long createdMillis, byte[] stateChecksum, List<Entry> entries) {

    /** One blob: name, length in bytes and CRC32C. */
    public record Entry(String name, long length, int crc32c) {
    }

    public Manifest {
        stateChecksum = stateChecksum.clone();
        entries = List.copyOf(entries);
    }

    @Override
    public byte[] stateChecksum() {
        return stateChecksum.clone();
    }

    public String stateChecksumHex() {
        return HexFormat.of().formatHex(stateChecksum);
    }

    public long totalBytes() {
        return entries.stream().mapToLong(Entry::length).sum();
    }

    public byte[] encode() {
        PayloadWriter w = new PayloadWriter().i64(round).i64(writerEpoch).i64(createdMillis).bytes(stateChecksum)
                .i32(entries.size());
        for (Entry e : entries) {
            w.str(e.name()).i64(e.length()).i32(e.crc32c());
        }
        return w.toBytes();
    }

    public static Manifest decode(byte[] payload) {
        PayloadReader r = new PayloadReader(payload);
        long round = r.i64();
        long epoch = r.i64();
        long created = r.i64();
        byte[] checksum = r.bytes();
        int n = r.i32();
        if (n < 0 || n > 100_000) {
            throw new PayloadReader.MalformedPayloadException("absurd entry count " + n);
        }
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            entries.add(new Entry(r.str(), r.i64(), r.i32()));
        }
        r.end();
        return new Manifest(round, epoch, created, checksum, entries);
    }
}
