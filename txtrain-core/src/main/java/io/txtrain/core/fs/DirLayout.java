package io.txtrain.core.fs;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.hadoop.fs.Path;

/** File names of a checkpoint directory (docs/PROTOCOL.md §1). */
public final class DirLayout {
    public static final String FORMAT = "FORMAT";
    public static final String LEASE_DIR = "lease";
    public static final String LOG_DIR = "log";
    public static final String CHECKPOINT_DIR = "checkpoints";
    /** Runs of further networks trained with the same master, each a directory of this layout (§1). */
    public static final String NETWORKS_DIR = "networks";
    /** The run's compact history: what retention deleted from the log, downsampled (§7). */
    public static final String HISTORY_DIR = "history";
    public static final String MANIFEST = "MANIFEST";
    public static final String BLOB_PREFIX = "blob-";

    private static final Pattern SEGMENT = Pattern.compile("seg-(\\d{10})-(\\d{19})\\.log");
    private static final Pattern CHECKPOINT = Pattern.compile("ckpt-(\\d{19})-(\\d{10})");
    private static final Pattern TMP_CHECKPOINT = Pattern.compile("_tmp-(\\d{19})-(\\d{10})-[0-9a-f-]+");
    private static final Pattern LEASE = Pattern.compile("writer-(\\d{10})");
    private static final Pattern BLOB_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    /** The largest writer epoch a name can hold (10 digits); a start that would need more is refused. */
    public static final long MAX_EPOCH = 9_999_999_999L;

    private final Path root;

    public DirLayout(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    public Path format() {
        return new Path(root, FORMAT);
    }

    public Path leaseDir() {
        return new Path(root, LEASE_DIR);
    }

    public Path logDir() {
        return new Path(root, LOG_DIR);
    }

    public Path historyDir() {
        return new Path(root, HISTORY_DIR);
    }

    public Path checkpointDir() {
        return new Path(root, CHECKPOINT_DIR);
    }

    public Path lease(long epoch) {
        return new Path(leaseDir(), String.format(Locale.ROOT, "writer-%010d", checkEpoch(epoch)));
    }

    public Path segment(long epoch, long firstRound) {
        return new Path(logDir(), segmentName(epoch, firstRound));
    }

    public static String segmentName(long epoch, long firstRound) {
        return String.format(Locale.ROOT, "seg-%010d-%019d.log", checkEpoch(epoch), firstRound);
    }

    public Path checkpoint(long round, long epoch) {
        return new Path(checkpointDir(), String.format(Locale.ROOT, "ckpt-%019d-%010d", round, epoch));
    }

    public Path tmpCheckpoint(long round, long epoch, String unique) {
        return new Path(checkpointDir(), String.format(Locale.ROOT, "_tmp-%019d-%010d-%s", round, epoch, unique));
    }

    private static long checkEpoch(long epoch) {
        if (epoch < 0 || epoch > MAX_EPOCH) {
            throw new IllegalArgumentException("writer epoch " + epoch + " does not fit a 10-digit name");
        }
        return epoch;
    }

    /**
     * Parsed segment name: {epoch, firstRound}, or null if the name is not a segment's. A name whose
     * number does not fit a {@code long} is not a segment's either (a foreign entry).
     */
    public static long[] parseSegment(String name) {
        return parse(SEGMENT, name);
    }

    /** Parsed checkpoint name: {round, epoch}, or null. */
    public static long[] parseCheckpoint(String name) {
        return parse(CHECKPOINT, name);
    }

    public static boolean isTmpCheckpoint(String name) {
        return parse(TMP_CHECKPOINT, name) != null;
    }

    /** Parsed temporary checkpoint name: {round, epoch}, or null. */
    public static long[] parseTmpCheckpoint(String name) {
        return parse(TMP_CHECKPOINT, name);
    }

    /** Parsed lease epoch, or -1. */
    public static long parseLease(String name) {
        long[] v = parse(LEASE, name);
        return v == null ? -1 : v[0];
    }

    /** Rejects blob names that could escape the checkpoint directory or are not portable. */
    public static String checkBlobName(String name) {
        if (!BLOB_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid checkpoint blob name '" + name
                    + "': use 1-100 characters of A-Z a-z 0-9 _ . -");
        }
        return name;
    }

    private static long[] parse(Pattern p, String name) {
        Matcher m = p.matcher(name);
        if (!m.matches()) {
            return null;
        }
        long[] v = new long[m.groupCount()];
        for (int i = 0; i < v.length; i++) {
            try {
                v[i] = Long.parseLong(m.group(i + 1));
            } catch (NumberFormatException e) {
                return null; // 19 digits beyond Long.MAX_VALUE: not a name txtrain writes
            }
        }
        return v;
    }
}
