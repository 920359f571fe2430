package dev.cube.manager.api;

/** No task has this id: a 404. */
final class NoSuchTaskException extends RuntimeException {

    NoSuchTaskException(String id) {
        super("no task " + id);
    }
}
