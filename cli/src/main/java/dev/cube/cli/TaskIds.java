package dev.cube.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Which task a user means, as Docker reads container ids: a whole id names its task; otherwise the
 * id must be the start of exactly one task's id. An ambiguous start is refused with the ids it
 * could mean, an unknown one with that fact; both as {@link CubeCliException}.
 * <p>
 * The manager has no prefix query, so a prefix costs one listing of every task (in pages).
 */
final class TaskIds {

    static final int PAGE_SIZE = 1000;
    static final int CANDIDATES_SHOWN = 10;

    private TaskIds() {
    }

    /** The whole id of the one task whose id is {@code given} or starts with it. */
    static String resolve(ManagerClient client, String given) {
        if (client.task(given).isPresent()) {
            return given;
        }
        List<String> matches = startingWith(client, given);
        if (matches.isEmpty()) {
            throw new CubeCliException("no task has an id starting with '" + given + "'");
        }
        if (matches.size() > 1) {
            throw new CubeCliException(ambiguous(given, matches));
        }
        return matches.getFirst();
    }

    static String ambiguous(String given, List<String> matches) {
        List<String> sorted = matches.stream().sorted().toList();
        StringBuilder text = new StringBuilder("'").append(given).append("' is the start of ").append(sorted.size())
                .append(" task ids, give more of the one you mean:");
        sorted.stream().limit(CANDIDATES_SHOWN).forEach(id -> text.append(System.lineSeparator()).append("  ").append(id));
        if (sorted.size() > CANDIDATES_SHOWN) {
            text.append(System.lineSeparator()).append("  and ").append(sorted.size() - CANDIDATES_SHOWN).append(" more");
        }
        return text.toString();
    }

    private static List<String> startingWith(ManagerClient client, String prefix) {
        List<String> matches = new ArrayList<>();
        long offset = 0;
        while (true) {
            JsonNode page = client.tasks(null, PAGE_SIZE, offset);
            for (JsonNode task : page.path("items")) {
                String id = task.path("id").asText("");
                if (id.startsWith(prefix)) {
                    matches.add(id);
                }
            }
            JsonNode next = page.path("nextOffset");
            if (!next.canConvertToLong() || next.asLong() <= offset) {
                return matches;
            }
            offset = next.asLong();
        }
    }
}
