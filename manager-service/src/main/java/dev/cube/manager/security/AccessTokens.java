package dev.cube.manager.security;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens the manager takes, each with a role: {@code cube.security.tokens} (a list of
 * {@code role:token}, env {@code CUBE_SECURITY_TOKENS=operator:...,viewer:...}) and
 * {@code cube.security.tokens-file} (one {@code role token [name]} per line, {@code #} comments).
 * Without any token the API is open (as {@code cube dev} runs it, on loopback): {@link #open()}.
 * Tokens are kept as SHA-256 digests and compared in constant time. Thread-safe.
 */
@Singleton
public final class AccessTokens {

    private static final Logger LOG = LoggerFactory.getLogger(AccessTokens.class);
    /** The shortest token taken: 16 characters (a generated token has 43). */
    public static final int MIN_TOKEN_LENGTH = 16;

    /** One token: its digest, its role, and a name for logs. */
    record Entry(byte[] digest, Role role, String name) {
    }

    private final List<Entry> entries;

    /** @param manager whether this process serves the manager's API (a worker's management port is only health and metrics) */
    public AccessTokens(@Value("${cube.security.tokens:}") List<String> tokens,
                        @Value("${cube.security.tokens-file:}") String tokensFile,
                        @Value("${" + dev.cube.manager.ManagerApplication.ENABLED + ":false}") boolean manager) {
        List<Entry> all = new ArrayList<>();
        int n = 0;
        for (String entry : tokens == null ? List.<String>of() : tokens) {
            if (entry == null || entry.isBlank()) {
                continue;
            }
            int colon = entry.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("cube.security.tokens takes role:token entries (viewer, submitter, operator)");
            }
            all.add(entry(Role.of(entry.substring(0, colon)), entry.substring(colon + 1), "token " + (++n) + " of cube.security.tokens"));
        }
        if (tokensFile != null && !tokensFile.isBlank()) {
            all.addAll(readFile(Path.of(tokensFile)));
        }
        this.entries = List.copyOf(all);
        if (!manager) {
            LOG.debug("no manager API here: {} bearer token(s)", entries.size());
        } else if (entries.isEmpty()) {
            LOG.warn("The HTTP API is open: no cube.security.tokens are configured, so anyone who reaches this port may run containers on the workers (see docs/security.md)");
        } else {
            LOG.info("The HTTP API takes {} bearer token(s)", entries.size());
        }
    }

    /** Whether no token is configured, so that every request is allowed. */
    public boolean open() {
        return entries.isEmpty();
    }

    /** The role and name of {@code token}, if it is one of ours. */
    public Optional<Entry> find(String token) {
        if (token == null) {
            return Optional.empty();
        }
        byte[] digest = digest(token);
        Entry found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest)) {
                found = entry;
            }
        }
        return Optional.ofNullable(found);
    }

    private static Entry entry(Role role, String token, String name) {
        String t = token.strip();
        if (t.length() < MIN_TOKEN_LENGTH) {
            throw new IllegalArgumentException(name + " is shorter than " + MIN_TOKEN_LENGTH + " characters");
        }
        return new Entry(digest(t), role, name);
    }

    private static List<Entry> readFile(Path file) {
        List<Entry> out = new ArrayList<>();
        try {
            int lineNumber = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNumber++;
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split("\\s+");
                if (parts.length < 2) {
                    throw new IllegalArgumentException(file + " line " + lineNumber + ": expected 'role token [name]'");
                }
                out.add(entry(Role.of(parts[0]), parts[1], parts.length > 2 ? parts[2] : file.getFileName() + ":" + lineNumber));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokens file " + file, e);
        }
        return out;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
