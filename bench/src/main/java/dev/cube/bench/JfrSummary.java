package dev.cube.bench;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A JFR recording summed up as text fit for docs/benchmarks.md: the CPU samples per thread group, and
 * for the threads asked for, the methods where they spend their time (self) and the methods under
 * which they do (inclusive, counted once per sample), limited to frames whose class starts with one
 * of the given packages for the inclusive view.
 *
 * <pre>
 *   java -cp bench/target/cube-bench.jar dev.cube.bench.JfrSummary bench.jfr [thread-prefix] [top] [package,...]
 * </pre>
 */
public final class JfrSummary {

    private JfrSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrSummary <recording.jfr> [thread name prefix] [top N] [package,package...]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        String threadPrefix = args.length > 1 ? args[1] : "";
        int top = args.length > 2 ? Integer.parseInt(args[2]) : 25;
        List<String> packages = args.length > 3 ? List.of(args[3].split(",")) : List.of();
        System.out.print(summarise(file, threadPrefix, top, packages));
    }

    static String summarise(Path file, String threadPrefix, int top, List<String> packages) {
        Map<String, Integer> byGroup = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int all = 0;
        int selected = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                all++;
                String thread = event.getThread("sampledThread") == null ? "?" : event.getThread("sampledThread").getJavaName();
                thread = thread == null ? "?" : thread;
                byGroup.merge(group(thread), 1, Integer::sum);
                if (!thread.startsWith(threadPrefix)) {
                    continue;
                }
                selected++;
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                self.merge(name(stack.getFrames().getFirst()), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (RecordedFrame frame : stack.getFrames()) {
                    String name = name(frame);
                    if ((packages.isEmpty() || packages.stream().anyMatch(name::startsWith)) && seen.add(name)) {
                        inclusive.merge(name, 1, Integer::sum);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder out = new StringBuilder();
        out.append("CPU samples: ").append(all).append("\n\n");
        table(out, "thread group", byGroup, all, top);
        out.append("\nthreads '").append(threadPrefix).append("*': ").append(selected).append(" samples\n\n");
        table(out, "self", self, selected, top);
        out.append('\n');
        table(out, "inclusive" + (packages.isEmpty() ? "" : " (" + String.join(", ", packages) + ")"), inclusive, selected, top);
        return out.toString();
    }

    private static void table(StringBuilder out, String title, Map<String, Integer> counts, int total, int top) {
        out.append("| ").append(title).append(" | samples | share |\n|---|---:|---:|\n");
        List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        for (Map.Entry<String, Integer> e : entries.subList(0, Math.min(top, entries.size()))) {
            out.append("| `").append(e.getKey()).append("` | ").append(e.getValue()).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0 : 100.0 * e.getValue() / total)).append(" |\n");
        }
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    /** Threads by what they are: numbers and ids taken out of their names. */
    static String group(String thread) {
        return thread.replaceAll("[0-9a-f]{8}-[0-9a-f-]{27,}", "<uuid>").replaceAll("cube-bench-[0-9a-z]+", "cube-bench-<id>")
                .replaceAll("\\d+", "N");
    }
}
