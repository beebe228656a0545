package io.txtrain.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code txtrain} command line: inspect, verify, export and report on checkpoint directories.
 * Exit codes: 0 ok, 1 problem found, 2 usage error.
 */
public final class Txtrain {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new InspectCommand(), new VerifyCommand(), new ExportCommand(), new ReportCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Txtrain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    static String usage() {
        StringBuilder b = new StringBuilder("usage: txtrain COMMAND DIR [options]\n\n")
                .append("Tools for txtrain checkpoint directories (local paths or hdfs:// URIs).\n\ncommands:\n");
        COMMANDS.values().forEach(c -> b.append(String.format("  %-8s %s%n", c.name(), c.summary())));
        return b.append("\n'txtrain COMMAND --help' describes a command and its options; --verbose prints the stack"
                        + " trace of an error.\n")
                .append("Exit codes: 0 ok, 1 problem found, 2 usage error.").toString();
    }

    /** Runs one command line; returns its exit code. */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        boolean verbose = Boolean.getBoolean("txtrain.debug");
        List<String> kept = new java.util.ArrayList<>();
        for (String a : argv) {
            if (a.equals("--verbose")) {
                verbose = true;
            } else {
                kept.add(a);
            }
        }
        String[] args = kept.toArray(new String[0]);
        if (args.length == 0) {
            err.println(usage());
            return Command.USAGE;
        }
        String name = args[0];
        if (name.equals("--help") || name.equals("-h") || name.equals("help")) {
            Command c = args.length > 1 ? COMMANDS.get(args[1]) : null;
            out.println(c == null ? usage() : c.usage());
            return Command.OK;
        }
        Command c = COMMANDS.get(name);
        if (c == null) {
            err.println("txtrain: unknown command '" + name + "'\n\n" + usage());
            return Command.USAGE;
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        try {
            CliArgs parsed = CliArgs.parse(rest, c.valueOptions());
            if (parsed.help()) {
                out.println(c.usage());
                return Command.OK;
            }
            return c.run(parsed, out, err);
        } catch (UsageException e) {
            err.println("txtrain " + name + ": " + e.getMessage());
            err.println(c.usage().lines().findFirst().orElse("") + "   (txtrain " + name + " --help for more)");
            return Command.USAGE;
        } catch (Exception e) {
            err.println("txtrain " + name + ": error: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (verbose) {
                e.printStackTrace(err);
            } else {
                err.println("(txtrain " + name + " --verbose prints the stack trace)");
            }
            return Command.PROBLEM;
        }
    }
}
