package io.txtrain.spark.dl4j;

import java.lang.reflect.Field;

/**
 * Access to a network's fields that DL4J 1.0.0-M2 has no setter for (the driver network's
 * {@code gradient}, which DL4J listeners read). Fails with a clear error if a DL4J version lacks them.
 */
final class DriverFields {
    private DriverFields() {
    }

    static Object get(Object model, String name) {
        try {
            return field(model, name).get(model);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + model.getClass().getName() + "." + name, e);
        }
    }

    static void set(Object model, String name, Object value) {
        try {
            field(model, name).set(model, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot set " + model.getClass().getName() + "." + name, e);
        }
    }

    private static Field field(Object model, String name) {
        for (Class<?> c = model.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // try the superclass
            }
        }
        throw new IllegalStateException(model.getClass().getName() + " has no field '" + name
                + "'; this txtrain version needs DL4J 1.0.0-M2");
    }
}
