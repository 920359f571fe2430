package dev.cube.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTest {

    @Test
    void shouldDescribeAProblemWithItsFieldErrors() {
        Problem problem = Problem.parse(400, """
                {"type":"about:blank","title":"Invalid task spec","status":400,
                 "detail":"2 fields are invalid",
                 "errors":[{"field":"image","message":"is required"},{"field":"ports[0].containerPort","message":"must be 1-65535"}]}""");

        assertThat(problem.describe().lines()).containsExactly(
                "error: Invalid task spec (400): 2 fields are invalid",
                "  - image: is required",
                "  - ports[0].containerPort: must be 1-65535");
    }

    @Test
    void shouldDescribeABodyThatIsNotAProblemDocument() {
        assertThat(Problem.parse(500, "boom").describe().strip()).isEqualTo("error: Internal Server Error (500): boom");
        assertThat(Problem.parse(404, "").describe().strip()).isEqualTo("error: Not Found (404)");
    }
}
