package dev.cube.manager.security;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ApiAccessTest {

    @Test
    void healthMetricsAndTheApiDocumentNeedNoRole() {
        assertThat(ApiAccess.required("GET", "/health/readiness")).isEmpty();
        assertThat(ApiAccess.required("GET", "/health")).isEmpty();
        assertThat(ApiAccess.required("GET", "/prometheus")).isEmpty();
        assertThat(ApiAccess.required("GET", "/api/openapi.yml")).isEmpty();
    }

    @Test
    void theWebUisPagesAndTheReadsBetweenManagersNeedNoRoleWhatTheyDoDoes() {
        assertThat(ApiAccess.required("GET", "/")).isEmpty();
        assertThat(ApiAccess.required("GET", "/ui/")).isEmpty();
        assertThat(ApiAccess.required("GET", "/ui/app.js")).isEmpty();
        assertThat(ApiAccess.required("GET", "/internal/v1/task-partitions/2/task")).isEmpty();
        assertThat(ApiAccess.required("POST", "/ui/anything")).contains(Role.OPERATOR);
        assertThat(ApiAccess.required("GET", "/api/v1/dead-letters")).contains(Role.VIEWER);
        assertThat(ApiAccess.required("POST", "/api/v1/projection/verify")).contains(Role.OPERATOR);
    }

    @Test
    void readsNeedAViewerSubmitAndStopASubmitterEverythingElseAnOperator() {
        assertThat(ApiAccess.required("GET", "/api/v1/tasks")).contains(Role.VIEWER);
        assertThat(ApiAccess.required("GET", "/api/v1/workers/w1")).contains(Role.VIEWER);
        assertThat(ApiAccess.required("POST", "/api/v1/tasks")).contains(Role.SUBMITTER);
        assertThat(ApiAccess.required("POST", "/api/v1/tasks/")).contains(Role.SUBMITTER);
        assertThat(ApiAccess.required("DELETE", "/api/v1/tasks/abc")).contains(Role.SUBMITTER);
        assertThat(ApiAccess.required("DELETE", "/api/v1/tasks/abc/events")).contains(Role.OPERATOR);
        assertThat(ApiAccess.required("POST", "/api/v1/workers/w1/drain")).contains(Role.OPERATOR);
        assertThat(ApiAccess.required("POST", "/api/v1/workers/w1/undrain")).contains(Role.OPERATOR);
        assertThat(ApiAccess.required("PUT", "/anything")).contains(Role.OPERATOR);
    }

    @Test
    void aRoleIncludesThoseBeforeIt() {
        assertThat(Role.VIEWER.granted()).containsExactly("viewer");
        assertThat(Role.OPERATOR.granted()).containsExactly("viewer", "submitter", "operator");
        assertThat(ApiAccess.needs("POST", "/api/v1/tasks")).isEqualTo("POST /api/v1/tasks needs the role submitter (or operator)");
    }
}
