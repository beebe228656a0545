package io.txtrain.cli;

import java.io.PrintStream;
import java.util.Set;

/** One subcommand of {@code txtrain}. */
interface Command {
    int OK = 0;
    int PROBLEM = 1;
    int USAGE = 2;

    String name();

    /** One line for {@code txtrain --help}. */
    String summary();

    /** The full text of {@code txtrain NAME --help}. */
    String usage();

    /** Options that take a value; every other option is unknown. */
    Set<String> valueOptions();

    /** @return the exit code */
    int run(CliArgs args, PrintStream out, PrintStream err) throws Exception;
}
