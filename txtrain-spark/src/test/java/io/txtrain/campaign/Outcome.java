package io.txtrain.campaign;

/**
 * What one trial showed.
 *
 * @param finished        the run completed all rounds (after resubmits where the fault needs them)
 * @param resubmits       driver starts after the first
 * @param lostRounds      rounds seen committed before the fault that are missing or changed afterwards
 * @param corruptAccepted corrupt states or records that recovery used instead of refusing
 * @param checksumEqual   final parameters equal the fault-free run's (null if it did not finish)
 * @param userError       the error the job reported, if it had to stop at some point
 * @param note            what the fault did exactly
 * @param violation       why an invariant is broken, or null
 */
record Outcome(FaultKind kind, int trial, boolean finished, int resubmits, long lostRounds, long corruptAccepted,
               Boolean checksumEqual, String userError, String note, String violation) {
}
