package dev.cube.manager.security;

import java.util.Optional;

/**
 * Which role each request of the HTTP API needs, by method and path: the whole authorization rule in
 * one pure function. Health, readiness, metrics and the OpenAPI document need none.
 *
 * <table>
 *   <caption>roles by request</caption>
 *   <tr><th>request</th><th>role</th></tr>
 *   <tr><td>{@code /health/**}, {@code /prometheus}, {@code GET /api/openapi.yml}</td><td>none</td></tr>
 *   <tr><td>{@code GET}/{@code HEAD} of {@code /}, {@code /ui/**} (the web UI's static files: no data, and the page where a token is typed)</td><td>none</td></tr>
 *   <tr><td>{@code GET /internal/v1/**} (reads between managers, which hold no token: with a cluster secret they carry a PeerProof, see PeerProofFilter)</td><td>none</td></tr>
 *   <tr><td>{@code GET}/{@code HEAD} under {@code /api/}</td><td>viewer</td></tr>
 *   <tr><td>{@code POST /api/v1/tasks}, {@code DELETE /api/v1/tasks/{id}}</td><td>submitter</td></tr>
 *   <tr><td>anything else under {@code /api/} (drain, undrain, ...)</td><td>operator</td></tr>
 *   <tr><td>anything else</td><td>operator</td></tr>
 * </table>
 */
public final class ApiAccess {

    private ApiAccess() {
    }

    /** The role {@code method path} needs, or empty when anyone may. */
    public static Optional<Role> required(String method, String path) {
        String m = method.toUpperCase(java.util.Locale.ROOT);
        String p = normalize(path);
        if (p.equals("/health") || p.startsWith("/health/") || p.equals("/prometheus") || p.equals("/api/openapi.yml")) {
            return Optional.empty();
        }
        boolean read = m.equals("GET") || m.equals("HEAD");
        if (read && (p.equals("/") || p.equals("/ui") || p.startsWith("/ui/") || p.startsWith("/internal/v1/"))) {
            return Optional.empty();
        }
        if (read) {
            return Optional.of(Role.VIEWER);
        }
        if ((m.equals("POST") && p.equals("/api/v1/tasks")) || (m.equals("DELETE") && p.startsWith("/api/v1/tasks/") && p.indexOf('/', "/api/v1/tasks/".length()) < 0)) {
            return Optional.of(Role.SUBMITTER);
        }
        return Optional.of(Role.OPERATOR);
    }

    /** What is said of a refused request: what it needs. */
    public static String needs(String method, String path) {
        return required(method, path).map(role -> method + " " + path + " needs the role " + role.id()
                + (role == Role.VIEWER ? "" : " (or " + String.join(" or ", higher(role)) + ")")).orElse(method + " " + path);
    }

    private static java.util.List<String> higher(Role role) {
        return java.util.Arrays.stream(Role.values()).filter(r -> r.ordinal() > role.ordinal()).map(Role::id).toList();
    }

    private static String normalize(String path) {
        String p = path == null || path.isEmpty() ? "/" : path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
