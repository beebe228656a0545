package io.txtrain.campaign;

import java.util.Map;

/** The fault-free run: final parameter checksum and every round's state checksum. */
record Reference(String finalSha, Map<Long, String> roundChecksums, long rounds) {
}
