package dev.cube.events.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The JSON Schemas of the contract, as shipped in the events jar ({@code schemas/} on the class path), ready to validate with. */
public final class ContractSchemas {

    static final String BASE = "https://cube.dev/schemas/";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, builder -> builder
            .schemaIdResolvers(resolvers -> resolvers.mapPrefix(BASE, "classpath:schemas/"))
            .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private ContractSchemas() {
    }

    /** The schema in file {@code name} (e.g. {@code envelope.json}); fails when there is no such file. */
    public static Schema named(String name) {
        if (!exists(name)) {
            throw new AssertionError("no schema file schemas/" + name);
        }
        return REGISTRY.getSchema(SchemaLocation.of(BASE + name));
    }

    public static boolean exists(String name) {
        try (InputStream in = ContractSchemas.class.getClassLoader().getResourceAsStream("schemas/" + name)) {
            return in != null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The errors of {@code instance} against schema file {@code name}, as "path: message" lines; empty when valid. */
    public static List<String> errors(String name, JsonNode instance) {
        List<Error> errors = named(name).validate(instance);
        return errors.stream().map(e -> e.getInstanceLocation() + ": " + e.getMessage()).toList();
    }
}
