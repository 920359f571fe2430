package dev.cube.manager.api;

import dev.cube.manager.ManagerApplication;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.swagger.v3.oas.annotations.Hidden;

import java.net.URI;

/**
 * The web UI's entry: {@code /} and {@code /ui} lead to {@value #HOME}. The UI itself is static resources
 * (plain JavaScript modules and CSS under {@code ui/} on the class path), served at {@code /ui/**}
 * (application-manager.yml); it only calls the HTTP API.
 */
@Controller
@Hidden
@Requires(property = ManagerApplication.ENABLED, value = "true")
public class UiController {

    static final String HOME = "/ui/index.html";

    @Get
    public HttpResponse<?> root() {
        return HttpResponse.seeOther(URI.create(HOME));
    }

    @Get("/ui")
    public HttpResponse<?> ui() {
        return HttpResponse.seeOther(URI.create(HOME));
    }
}
