package dev.cube.manager.cluster;

import java.util.Locale;

/** Which copy of a store partition may answer a read. */
public enum Copy {
    /** Only the active one: the stream task that folds the partition, on the instance that owns it now. */
    ACTIVE,
    /** The active one or a standby, if it is no further behind its changelog than the configured bound (KIP-535). */
    ANY;

    /** The name in the internal API's {@code copy} parameter. */
    public String parameter() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The copy a parameter names; {@code active} when it names none. */
    public static Copy parse(String parameter) {
        return parameter == null || parameter.isBlank() ? ACTIVE : valueOf(parameter.strip().toUpperCase(Locale.ROOT));
    }
}
