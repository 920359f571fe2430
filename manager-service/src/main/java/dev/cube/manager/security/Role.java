package dev.cube.manager.security;

import java.util.List;
import java.util.Locale;

/**
 * What a caller of the HTTP API may do. Each role includes those before it: a submitter may read, an
 * operator may do everything.
 */
public enum Role {
    /** reads: tasks, their events and history, workers */
    VIEWER,
    /** submits and stops tasks */
    SUBMITTER,
    /** drains and undrains workers */
    OPERATOR;

    /** The name in configuration and in answers: {@code viewer}, {@code submitter}, {@code operator}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The roles a caller with this role has: itself and every role before it. */
    public List<String> granted() {
        return java.util.Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal()).map(Role::id).toList();
    }

    /** @throws IllegalArgumentException naming the roles there are */
    public static Role of(String id) {
        for (Role role : values()) {
            if (role.id().equalsIgnoreCase(id.strip())) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + id + "': viewer, submitter or operator");
    }
}
