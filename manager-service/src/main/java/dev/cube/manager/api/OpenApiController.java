package dev.cube.manager.api;

import dev.cube.manager.ManagerApplication;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Serves the API's OpenAPI 3 document at {@value #PATH}: generated at compile time (micronaut-openapi)
 * from the controllers and their typed answers into {@value #RESOURCE}.
 */
@Controller
@Requires(property = ManagerApplication.ENABLED, value = "true")
@OpenAPIDefinition(info = @Info(title = "Cube", version = "v1",
        description = "Cube's HTTP API: tasks and workers. Writes append events to the log and answer 202; reads come from the projection or the log. "
                + "Every error is application/problem+json (RFC 9457). See docs/api.md."),
        security = @SecurityRequirement(name = OpenApiController.BEARER))
@SecurityScheme(name = OpenApiController.BEARER, type = SecuritySchemeType.HTTP, scheme = "bearer",
        description = "When the manager is given tokens (cube.security.tokens or cube.security.tokens-file, each token:role), every /api/v1 request "
                + "carries Authorization: Bearer <token>; without tokens the API is open. Roles: viewer reads, submitter also submits and stops tasks, "
                + "operator also drains workers and runs the projection check. See docs/security.md.")
@Hidden
public class OpenApiController {

    public static final String PATH = "/api/openapi.yml";
    /** The name of the document's bearer-token security scheme. */
    public static final String BEARER = "bearer";
    /** Where micronaut-openapi writes the document: {@code <title>-<version>.yml} of {@link OpenAPIDefinition}. */
    public static final String RESOURCE = "META-INF/swagger/cube-v1.yml";
    public static final String MEDIA_TYPE = "application/yaml";

    private final byte[] document;

    public OpenApiController() {
        try (InputStream in = OpenApiController.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path: the build generates it");
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Get(value = PATH, produces = MEDIA_TYPE)
    public HttpResponse<byte[]> document() {
        return HttpResponse.ok(document).contentType(MEDIA_TYPE);
    }
}
