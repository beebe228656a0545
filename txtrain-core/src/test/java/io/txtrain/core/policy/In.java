package io.txtrain.core.policy;

/** Test builder for {@link PolicyInput}: defaults to a plain, unloaded, uneventful round of 1 s. */
final class In {
    long round = 1;
    long now = 0;
    double since;
    long rounds = 1;
    double lastRound = 1;
    boolean epoch;
    boolean inFlight;
    double load = Double.NaN;
    boolean lost;

    static In since(double seconds) {
        In in = new In();
        in.since = seconds;
        in.rounds = Math.max(1, (long) seconds);
        return in;
    }

    In rounds(long r) {
        rounds = r;
        return this;
    }

    In now(long millis) {
        now = millis;
        return this;
    }

    In lastRound(double s) {
        lastRound = s;
        return this;
    }

    In epoch() {
        epoch = true;
        return this;
    }

    In inFlight() {
        inFlight = true;
        return this;
    }

    In load(double l) {
        load = l;
        return this;
    }

    In lost() {
        lost = true;
        return this;
    }

    PolicyInput build() {
        return new PolicyInput(round, now, since, rounds, lastRound, epoch, inFlight, load, lost);
    }
}
