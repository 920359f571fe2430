package dev.cube.cli.replay;

import dev.cube.cli.Columns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.state.TaskState;
import dev.cube.events.wire.Json;
import dev.cube.manager.history.ProjectionCheck;
import dev.cube.manager.history.Step;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** How {@code cube replay} prints timelines, states and differences: tables for people, JSON for tools. */
final class ReplayViews {

    private static final String NONE = "-";

    private ReplayViews() {
    }

    static String stepsTable(List<Step> steps, boolean withTask) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(withTask ? List.of("TIME", "TASK", "P:OFFSET", "TYPE", "SOURCE", "STATE AFTER", "OUTCOME")
                : List.of("TIME", "P:OFFSET", "TYPE", "SOURCE", "STATE AFTER", "OUTCOME"));
        for (Step step : steps) {
            List<String> row = new ArrayList<>();
            row.add(step.record().logTime().toString());
            if (withTask) {
                row.add(or(step.taskId()));
            }
            row.add(step.record().partition() + ":" + step.record().offset());
            row.add(step.event() == null ? NONE : step.event().type().typeName().replace("dev.cube.task.", ""));
            row.add(step.event() == null ? NONE : step.event().source());
            row.add(step.state() == null ? NONE : stateAfter(step.state()));
            row.add(step.outcome().label() + (step.reason() == null || step.outcome() == dev.cube.manager.history.Outcome.DUPLICATE ? "" : ": " + step.reason()));
            rows.add(row);
        }
        return table(rows);
    }

    static ArrayNode stepsJson(List<Step> steps) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        for (Step step : steps) {
            ObjectNode item = items.addObject();
            item.put("task", step.taskId());
            item.put("partition", step.record().partition());
            item.put("offset", step.record().offset());
            item.put("logTime", step.record().logTime().toString());
            if (step.event() != null) {
                item.set("event", dev.cube.events.wire.CloudEventCodec.toJson(step.event()));
            }
            item.put("outcome", step.outcome().label());
            if (step.reason() != null) {
                item.put("reason", step.reason());
            }
            if (step.state() != null) {
                item.set("state", stateJson(step.state()));
            }
        }
        return items;
    }

    static String statesTable(List<TaskState> states) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("ID", "NAME", "STATE", "ATTEMPT", "WORKER", "EXIT", "UPDATED"));
        for (TaskState s : states) {
            rows.add(List.of(s.id(), or(s.spec() == null ? null : s.spec().name()), s.state().name(), String.valueOf(s.attempt()),
                    or(s.workerId()), s.exitCode() == null ? NONE : s.exitCode().toString(), s.updatedAt() == null ? NONE : s.updatedAt().toString()));
        }
        return table(rows);
    }

    static ArrayNode statesJson(List<TaskState> states) {
        ArrayNode items = Json.MAPPER.createArrayNode();
        states.forEach(s -> items.add(stateJson(s)));
        return items;
    }

    static String verify(ProjectionCheck.Report report, boolean json) {
        if (json) {
            ObjectNode node = Json.MAPPER.createObjectNode();
            node.put("equal", report.equal());
            node.put("events", report.events());
            node.put("liveTasks", report.liveTasks());
            node.put("rebuiltTasks", report.rebuiltTasks());
            ArrayNode differences = node.putArray("differences");
            for (ProjectionCheck.Difference d : report.differences()) {
                differences.addObject().put("task", d.taskId()).put("field", d.field()).put("live", d.live()).put("rebuilt", d.rebuilt());
            }
            try {
                return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        StringBuilder out = new StringBuilder();
        if (report.equal()) {
            out.append("OK: the projection rebuilt from ").append(report.events()).append(" events of cube.task-events equals the live one on cube.task-state (")
                    .append(report.rebuiltTasks()).append(" tasks)").append(System.lineSeparator());
            return out.toString();
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("TASK", "FIELD", "LIVE", "REBUILT"));
        report.differences().forEach(d -> rows.add(List.of(d.taskId(), d.field(), clip(d.live()), clip(d.rebuilt()))));
        out.append(table(rows));
        long tasks = report.differences().stream().map(ProjectionCheck.Difference::taskId).distinct().count();
        out.append("DIFFERENT: ").append(report.differences().size()).append(" difference(s) in ").append(tasks)
                .append(" task(s) between the live projection (cube.task-state, ").append(report.liveTasks())
                .append(" tasks) and the one rebuilt from cube.task-events (").append(report.rebuiltTasks()).append(" tasks)")
                .append(System.lineSeparator());
        return out.toString();
    }

    private static ObjectNode stateJson(TaskState state) {
        return Json.MAPPER.valueToTree(state.forReaders());
    }

    private static String stateAfter(TaskState s) {
        StringBuilder text = new StringBuilder(s.state().name());
        if (s.attempt() > 0) {
            text.append(" #").append(s.attempt());
        }
        if (s.workerId() != null) {
            text.append(" on ").append(s.workerId());
        }
        if (s.exitCode() != null) {
            text.append(" exit ").append(s.exitCode());
        }
        if (s.desiredState() != null && s.desiredState().name().equals("Stopped") && !s.state().name().equals("Stopped")) {
            text.append(" (stopping)");
        }
        return text.toString();
    }

    private static String clip(String text) {
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }

    private static String or(String text) {
        return text == null || text.isBlank() ? NONE : text;
    }

    private static String table(List<List<String>> rows) {
        return Columns.render(rows);
    }
}
