package io.txtrain.spark.dl4j;

import java.util.List;

import org.apache.spark.storage.StorageLevel;

/** Spark storage levels by their constant names ({@code MEMORY_AND_DISK}, ...), for serialized settings. */
final class StorageLevels {
    private static final List<String> NAMES = List.of("NONE", "DISK_ONLY", "DISK_ONLY_2", "DISK_ONLY_3",
            "MEMORY_ONLY", "MEMORY_ONLY_2", "MEMORY_ONLY_SER", "MEMORY_ONLY_SER_2", "MEMORY_AND_DISK",
            "MEMORY_AND_DISK_2", "MEMORY_AND_DISK_SER", "MEMORY_AND_DISK_SER_2", "OFF_HEAP");

    private StorageLevels() {
    }

    /** The constant's name, or null for null. */
    static String name(StorageLevel level) {
        if (level == null) {
            return null;
        }
        for (String n : NAMES) {
            if (StorageLevel.fromString(n).equals(level)) {
                return n;
            }
        }
        throw new IllegalArgumentException("storage level " + level.description()
                + " is not one of Spark's named levels " + NAMES);
    }

    /** The level of a constant's name; null for null. */
    static StorageLevel of(String name) {
        if (name == null) {
            return null;
        }
        try {
            return StorageLevel.fromString(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown storage level '" + name + "'; use one of " + NAMES, e);
        }
    }
}
