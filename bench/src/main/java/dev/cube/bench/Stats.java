package dev.cube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cube.events.wire.Json;

import java.util.Arrays;
import java.util.List;

/** Percentiles of a sample, in the sample's unit (nearest-rank). */
record Stats(int count, double min, double p50, double p95, double p99, double max, double mean) {

    static Stats of(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (v.length == 0) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Stats(v.length, v[0], rank(v, 50), rank(v, 95), rank(v, 99), v[v.length - 1], Arrays.stream(v).average().orElse(Double.NaN));
    }

    private static double rank(double[] sorted, double p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    ObjectNode json() {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("count", count);
        n.put("min", round(min));
        n.put("p50", round(p50));
        n.put("p95", round(p95));
        n.put("p99", round(p99));
        n.put("max", round(max));
        n.put("mean", round(mean));
        return n;
    }

    static double round(double v) {
        return Double.isFinite(v) ? Math.round(v * 10000.0) / 10000.0 : v;
    }
}
