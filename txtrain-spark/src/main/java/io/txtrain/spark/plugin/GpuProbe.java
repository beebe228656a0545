package io.txtrain.spark.plugin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads GPU utilisation, memory and uncorrected ECC errors with
 * {@code nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total,ecc.errors.uncorrected.volatile.total
 * --format=csv,noheader,nounits}; if the tool rejects that query before it ever answered it, the
 * probe drops the error field for good (older tools that do not know it).
 *
 * <p>Failure behaviour: {@link #read()} never throws. It returns an empty list when the tool is
 * not on the PATH, exits non-zero (e.g. no GPU or driver), prints nothing parseable, or does not
 * finish within the timeout (the process is then killed). The tool is looked up on the PATH of
 * this JVM's environment. When it cannot be started, or fails {@value #MAX_CONSECUTIVE_FAILURES}
 * times in a row, the probe disables itself, so a host without GPUs pays for at most a few
 * process starts. Lines that do not parse (e.g. {@code [N/A]}) are skipped. Not thread-safe: one
 * sampling thread uses it.
 */
public final class GpuProbe {
    private static final Logger LOG = LoggerFactory.getLogger(GpuProbe.class);
    static final List<String> COMMAND = List.of("nvidia-smi",
            "--query-gpu=utilization.gpu,memory.used,memory.total", "--format=csv,noheader,nounits");
    /** {@link #COMMAND} plus the uncorrected ECC error count; tried first. */
    static final List<String> COMMAND_WITH_ERRORS = List.of("nvidia-smi",
            "--query-gpu=utilization.gpu,memory.used,memory.total,ecc.errors.uncorrected.volatile.total",
            "--format=csv,noheader,nounits");
    static final int MAX_CONSECUTIVE_FAILURES = 3;
    private static final int MAX_OUTPUT_BYTES = 64 * 1024;

    private List<String> command;
    /** Used instead of {@link #command} if that fails before it ever succeeded; may be null. */
    private List<String> fallback;
    private boolean succeeded;
    private final Duration timeout;
    private boolean disabled;
    private int failures;

    /** @param enabled false gives a probe that always reads nothing */
    public GpuProbe(boolean enabled, Duration timeout) {
        this(COMMAND_WITH_ERRORS, COMMAND, enabled, timeout);
    }

    GpuProbe(List<String> command, boolean enabled, Duration timeout) {
        this(command, null, enabled, timeout);
    }

    /** @param fallback used if {@code command} fails before it ever succeeded; null for none */
    GpuProbe(List<String> command, List<String> fallback, boolean enabled, Duration timeout) {
        this.fallback = fallback == null ? null : List.copyOf(fallback);
        this.command = List.copyOf(command);
        this.timeout = timeout;
        this.disabled = !enabled;
    }

    /** Whether the probe still queries the tool. */
    public boolean active() {
        return !disabled;
    }

    /** One reading per GPU, or an empty list (see the class comment); never throws. */
    public List<GpuReading> read() {
        if (disabled) {
            return List.of();
        }
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException | RuntimeException e) {
            disabled = true;
            LOG.info("GPU monitoring off: {} cannot be started ({})", command.get(0), e.getMessage());
            return List.of();
        }
        try {
            p.getOutputStream().close();
            // Read only after exit, and only what is buffered, so a stray child holding the pipe
            // open cannot block the sampler; the output is a few lines, far below a pipe buffer.
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return failed("no answer within " + timeout.toMillis() + " ms");
            }
            String out = readBounded(p.getInputStream());
            if (p.exitValue() != 0) {
                if (!succeeded && fallback != null) {
                    // an nvidia-smi that does not know the ECC field rejects the whole query
                    LOG.info("{} rejected the ECC error query ({}); GPU errors are not monitored",
                            command.get(0), firstLine(out));
                    command = fallback;
                    fallback = null;
                    return read();
                }
                return failed("exit code " + p.exitValue() + ": " + firstLine(out));
            }
            List<GpuReading> gpus = parse(out);
            if (gpus.isEmpty()) {
                return failed("no parseable line in: " + firstLine(out));
            }
            failures = 0;
            succeeded = true;
            return gpus;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return List.of();
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly();
            return failed(e.toString());
        }
    }

    /**
     * Parses nvidia-smi's CSV lines: three numbers, optionally followed by the error count (a
     * non-number such as {@code [N/A]} there means not reported). Other lines are skipped.
     */
    static List<GpuReading> parse(String csv) {
        List<GpuReading> out = new ArrayList<>();
        int index = 0;
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            int i = index++;
            if (f.length != 3 && f.length != 4) {
                continue;
            }
            try {
                out.add(new GpuReading(i, Double.parseDouble(f[0].trim()), Double.parseDouble(f[1].trim()),
                        Double.parseDouble(f[2].trim()), f.length == 4 ? errors(f[3]) : -1));
            } catch (NumberFormatException e) {
                // e.g. "[N/A]" on GPUs that do not report utilisation
            }
        }
        return out;
    }

    private static long errors(String field) {
        try {
            long n = Long.parseLong(field.trim());
            return n >= 0 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private List<GpuReading> failed(String why) {
        failures++;
        if (failures >= MAX_CONSECUTIVE_FAILURES) {
            disabled = true;
            LOG.info("GPU monitoring off after {} failed {} queries; last: {}", failures, command.get(0), why);
        } else {
            LOG.debug("{} query failed: {}", command.get(0), why);
        }
        return List.of();
    }

    private static String readBounded(InputStream in) throws IOException {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] b = new byte[4096];
            while (in.available() > 0 && buf.size() < MAX_OUTPUT_BYTES) {
                int n = in.read(b, 0, Math.min(b.length, in.available()));
                if (n <= 0) {
                    break;
                }
                buf.write(b, 0, n);
            }
            return buf.toString(StandardCharsets.UTF_8);
        }
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
