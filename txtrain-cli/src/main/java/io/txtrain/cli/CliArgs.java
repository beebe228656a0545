package io.txtrain.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The arguments of one command: positional ones and {@code --name value} options, in any order. */
final class CliArgs {
    private final List<String> positional;
    private final Map<String, String> options;
    private final boolean help;

    private CliArgs(List<String> positional, Map<String, String> options, boolean help) {
        this.positional = positional;
        this.options = options;
        this.help = help;
    }

    static CliArgs parse(String[] args, Set<String> valueOptions) throws UsageException {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                help = true;
            } else if (a.equals("--")) {
                positional.addAll(List.of(args).subList(i + 1, args.length));
                break;
            } else if (a.startsWith("-") && a.length() > 1) {
                int eq = a.indexOf('=');
                String name = eq > 0 ? a.substring(0, eq) : a;
                if (!valueOptions.contains(name)) {
                    throw new UsageException("unknown option " + name + (valueOptions.isEmpty()
                            ? " (this command takes none)" : " (options: " + String.join(", ", valueOptions) + ")"));
                }
                String value;
                if (eq > 0) {
                    value = a.substring(eq + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException(name + " needs a value");
                }
                if (options.put(name, value) != null) {
                    throw new UsageException(name + " is given twice");
                }
            } else {
                positional.add(a);
            }
        }
        return new CliArgs(positional, options, help);
    }

    boolean help() {
        return help;
    }

    /** The one positional argument, DIR. */
    String directory() throws UsageException {
        if (positional.isEmpty()) {
            throw new UsageException("DIR is missing: name a checkpoint directory");
        }
        if (positional.size() > 1) {
            throw new UsageException("expected one DIR, got " + positional.size() + ": " + positional);
        }
        return positional.get(0);
    }

    String option(String name) {
        return options.get(name);
    }

    String required(String name) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            throw new UsageException(name + " is required");
        }
        if (v.isEmpty()) {
            throw new UsageException(name + " needs a non-empty value");
        }
        return v;
    }

    /** A whole number of at least {@code min}, or null if the option is absent. */
    Long number(String name, long min) throws UsageException {
        String v = options.get(name);
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException(name + " '" + v + "': expected a whole number >= " + min);
    }
}
