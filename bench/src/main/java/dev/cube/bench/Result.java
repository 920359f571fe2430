package dev.cube.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.wire.Json;

import java.util.ArrayList;
import java.util.List;

/** What one scenario measured: table rows (each figure beside its baseline) and the details behind them. */
final class Result {

    /** One figure of Cube beside the baseline measured in the same run; {@code ratio} is cube / baseline. */
    record Row(String metric, String unit, double cube, String baseline, double baselineValue, String goal) {
        double ratio() {
            return baselineValue == 0 ? Double.NaN : cube / baselineValue;
        }
    }

    final String scenario;
    final String method;
    final List<Row> rows = new ArrayList<>();
    final ObjectNode details = Json.MAPPER.createObjectNode();

    Result(String scenario, String method) {
        this.scenario = scenario;
        this.method = method;
    }

    Result row(String metric, String unit, double cube, String baseline, double baselineValue, String goal) {
        rows.add(new Row(metric, unit, cube, baseline, baselineValue, goal));
        return this;
    }

    ObjectNode json() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("scenario", scenario);
        n.put("method", method);
        ArrayNode figures = n.putArray("figures");
        for (Row r : rows) {
            ObjectNode f = figures.addObject();
            f.put("metric", r.metric());
            f.put("unit", r.unit());
            f.put("cube", Stats.round(r.cube()));
            f.put("baseline", r.baseline());
            f.put("baselineValue", Stats.round(r.baselineValue()));
            f.put("ratio", Math.round(r.ratio() * 1000.0) / 1000.0);
            if (r.goal() != null) {
                f.put("goal", r.goal());
            }
        }
        n.set("details", details);
        return n;
    }
}
