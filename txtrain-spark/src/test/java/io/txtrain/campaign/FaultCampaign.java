package io.txtrain.campaign;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import io.txtrain.core.log.RoundRecord;
import io.txtrain.core.recovery.RecoveryDirectory;

/**
 * The fault campaign of RELIABILITY.md: randomised faults on real processes (a MiniDFSCluster in
 * its own JVM; training drivers on Spark local-cluster with executor JVMs), one fault per training
 * run, each run checked against a fault-free reference run. Exits 1 if an invariant is broken.
 *
 * <p>args: {@code --faults=30 --seed=1 --epochs=2 --hidden=2048 --kinds=ALL --work=target/campaign
 * --report=target/campaign/report.md}
 */
public final class FaultCampaign {
    private FaultCampaign() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = options(args);
        int faults = Integer.parseInt(opt.getOrDefault("faults", "30"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "1"));
        int epochs = Integer.parseInt(opt.getOrDefault("epochs", "2"));
        int hidden = Integer.parseInt(opt.getOrDefault("hidden", "2048"));
        List<FaultKind> kinds = kinds(opt.getOrDefault("kinds", "ALL"));
        File work = new File(opt.getOrDefault("work", "target/campaign")).getAbsoluteFile();
        File report = new File(opt.getOrDefault("report", new File(work, "report.md").getPath()));
        Files.createDirectories(work.toPath());
        File logs = new File(work, "logs-" + System.currentTimeMillis());
        Files.createDirectories(logs.toPath());
        Random random = new Random(seed);
        List<Outcome> outcomes = new ArrayList<>();
        long t0 = System.nanoTime();
        try (HdfsProcess hdfs = HdfsProcess.start(new File(logs, "hdfs"), new File(logs, "hdfs.log"),
                seed)) {
            System.out.println("HDFS at " + hdfs.uri() + "; process logs in " + logs);
            Reference reference = reference(hdfs, new File(logs, "reference.log"), epochs, hidden);
            System.out.printf(Locale.ROOT, "reference run: %d rounds, final %s%n", reference.rounds(),
                    reference.finalSha().substring(0, 16));
            List<FaultKind> plan = schedule(kinds, faults, random);
            for (int i = 0; i < plan.size(); i++) {
                Outcome o = runTrial(new Trial(plan.get(i), i + 1, hdfs, reference, random.nextLong(), logs, epochs,
                        hidden), plan.get(i), i + 1);
                outcomes.add(o);
                System.out.println(line(o));
            }
        }
        String text = report(outcomes, seed, epochs, hidden, (System.nanoTime() - t0) / 60e9);
        Files.writeString(report.toPath(), text, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(text);
        long broken = outcomes.stream().filter(o -> o.violation() != null).count();
        System.out.println(broken == 0 ? "ALL INVARIANTS HELD" : broken + " TRIAL(S) BROKE AN INVARIANT");
        System.exit(broken == 0 ? 0 : 1);
    }

    private static Outcome runTrial(Trial trial, FaultKind kind, int number) {
        try {
            return trial.run();
        } catch (Throwable t) {
            return new Outcome(kind, number, false, 0, 0, 0, null, null, "",
                    "campaign error: " + t.toString().replace('\n', ' '));
        }
    }

    private static Reference reference(HdfsProcess hdfs, File log, int epochs, int hidden) throws Exception {
        URI dir = hdfs.uri().resolve("/campaign/reference");
        try (DriverRun d = DriverRun.start(log, dir.toString(), epochs, hidden, "1000")) {
            d.awaitEnd();
            if (d.finalSha() == null) {
                throw new IllegalStateException("the fault-free reference run failed: " + d.error());
            }
            Map<Long, String> rounds = new TreeMap<>();
            for (RoundRecord r : RecoveryDirectory.inspect(dir, hdfs.conf()).chain().rounds()) {
                rounds.put(r.round(), r.stateChecksumHex());
            }
            long expected = CampaignDriver.rounds(epochs);
            if (rounds.size() != expected || !rounds.containsKey(1L) || !rounds.containsKey(expected)) {
                throw new IllegalStateException("reference run: expected rounds 1.." + expected + ", log has "
                        + rounds.keySet());
            }
            return new Reference(d.finalSha(), rounds, expected);
        }
    }

    /** Every kind equally often (the first {@code faults % kinds} kinds once more), in random order. */
    static List<FaultKind> schedule(List<FaultKind> kinds, int faults, Random random) {
        List<FaultKind> out = new ArrayList<>();
        while (out.size() < faults) {
            List<FaultKind> round = new ArrayList<>(kinds);
            Collections.shuffle(round, random);
            out.addAll(round.subList(0, Math.min(round.size(), faults - out.size())));
        }
        return out;
    }

    private static List<FaultKind> kinds(String spec) {
        if (spec.equalsIgnoreCase("ALL")) {
            return Arrays.asList(FaultKind.values());
        }
        List<FaultKind> out = new ArrayList<>();
        for (String k : spec.split(",")) {
            try {
                out.add(FaultKind.valueOf(k.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--kinds: unknown kind '" + k + "'; allowed: ALL or a comma list of "
                        + Arrays.toString(FaultKind.values()));
            }
        }
        return out;
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : args) {
            if (!a.startsWith("--") || !a.contains("=")) {
                throw new IllegalArgumentException("expected --key=value, got '" + a + "'");
            }
            out.put(a.substring(2, a.indexOf('=')), a.substring(a.indexOf('=') + 1));
        }
        return out;
    }

    private static String line(Outcome o) {
        return String.format(Locale.ROOT, "trial %3d %-16s %s  finished=%s resubmits=%d lost=%d corruptAccepted=%d"
                        + " checksumEqual=%s  %s%s%s", o.trial(), o.kind(), o.violation() == null ? "ok    " : "BROKEN",
                o.finished(), o.resubmits(), o.lostRounds(), o.corruptAccepted(), o.checksumEqual(), o.note(),
                o.userError() == null ? "" : "  | error: " + o.userError(),
                o.violation() == null ? "" : "  | VIOLATION: " + o.violation());
    }

    static String report(List<Outcome> outcomes, long seed, int epochs, int hidden, double minutes) {
        Map<FaultKind, List<Outcome>> byKind = new EnumMap<>(FaultKind.class);
        for (Outcome o : outcomes) {
            byKind.computeIfAbsent(o.kind(), k -> new ArrayList<>()).add(o);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%d faults, seed %d, %d epochs (%d rounds), MLP hidden %d; %.1f min%n%n",
                outcomes.size(), seed, epochs, CampaignDriver.rounds(epochs), hidden, minutes));
        sb.append("| fault | count | runs finished | resubmits | committed rounds lost | corrupt states accepted"
                + " | final checksum equal | error the user saw (last) | invariants |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---|---|---|\n");
        for (Map.Entry<FaultKind, List<Outcome>> e : byKind.entrySet()) {
            List<Outcome> os = e.getValue();
            long finished = os.stream().filter(Outcome::finished).count();
            long equal = os.stream().filter(o -> Boolean.TRUE.equals(o.checksumEqual())).count();
            String error = os.stream().map(Outcome::userError).filter(x -> x != null).reduce((a, b) -> b).orElse("—");
            long broken = os.stream().filter(o -> o.violation() != null).count();
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %s | %s | %s |%n", e.getKey().title,
                    os.size(), finished, os.stream().mapToInt(Outcome::resubmits).sum(),
                    os.stream().mapToLong(Outcome::lostRounds).sum(),
                    os.stream().mapToLong(Outcome::corruptAccepted).sum(),
                    finished == 0 ? (e.getKey().expectFinish ? "— (none finished)" : "— (stopped, as required)")
                            : (equal == finished ? "yes" : "no") + " (" + equal + "/"
                            + finished + ")", shorten(error), broken == 0 ? "held" : "**" + broken + " broken**"));
        }
        sb.append("\nTrials:\n\n");
        for (Outcome o : outcomes) {
            sb.append("- ").append(line(o).replace("|", "\\|")).append('\n');
        }
        return sb.toString();
    }

    private static String shorten(String s) {
        String t = s.replace("|", "\\|");
        return t.length() > 300 ? t.substring(0, 300) + " …" : t;
    }
}
