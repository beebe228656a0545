package io.txtrain.spark.dl4j;

/**
 * Where a round's worker states are averaged ({@code spark.txtrain.aggregation}). Both sites fold
 * the states in partition order with the same arithmetic ({@link RoundAccumulator}), so the choice
 * never changes a result; it moves the memory and network traffic of the workers' states off the
 * driver at the cost of one more (small) stage per round.
 */
enum AggregationSite {
    /** Every worker's state is collected on the driver and averaged there. */
    DRIVER,
    /** Executor tasks average the states, a slice each ({@link ExecutorAggregation}); the driver receives only the mean. */
    EXECUTORS;

    /** {@code auto} picks the executors when the workers' states of one round add up to at least this. */
    static final long AUTO_MIN_BYTES = 64L << 20;

    /**
     * @param setting    {@code driver}, {@code executors} or {@code auto} (validated by the settings)
     * @param local      whether Spark runs in local mode (driver and executors share one JVM)
     * @param stateBytes one worker's state: parameters plus the updater state it returns
     */
    static AggregationSite choose(String setting, boolean local, int workers, long stateBytes) {
        return switch (setting) {
            case "driver" -> DRIVER;
            case "executors" -> EXECUTORS;
            case "auto" -> !local && (long) workers * stateBytes >= AUTO_MIN_BYTES ? EXECUTORS : DRIVER;
            default -> throw new IllegalArgumentException(io.txtrain.core.config.TxtrainConfig.AGGREGATION.key()
                    + " = '" + setting + "': expected driver | executors | auto");
        };
    }
}
