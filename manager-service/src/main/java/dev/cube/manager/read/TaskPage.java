package dev.cube.manager.read;

import dev.cube.events.state.TaskState;
import dev.cube.events.state.TaskStatus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One page of a task list: the tasks, in id order; {@code total}, how many match in all; whether more
 * follow; and the partitions whose tasks are missing because no instance could answer for them (empty:
 * the list is whole).
 */
public record TaskPage(List<TaskState> items, long total, boolean more, List<Integer> unavailablePartitions) {

    /** The order of task ids in a list: their UTF-8 bytes, as the stores keep them. */
    public static final Comparator<String> ID_ORDER = (a, b) ->
            Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    public TaskPage {
        items = List.copyOf(items);
        unavailablePartitions = List.copyOf(unavailablePartitions);
    }

    public boolean partial() {
        return !unavailablePartitions.isEmpty();
    }

    /** What one partition contributes to a page: how many of its tasks match, and the first {@code wanted} of them in id order. */
    public record Slice(int partition, long total, List<TaskState> items) {

        public Slice {
            items = List.copyOf(items);
        }

        /** The slice of {@code tasks} (in id order) that a page needs: the first {@code wanted} that are in {@code state} (any, when null), and the count of all that are. */
        public static Slice of(int partition, Iterator<TaskState> tasks, TaskStatus state, int wanted) {
            List<TaskState> items = new ArrayList<>();
            long total = 0;
            while (tasks.hasNext()) {
                TaskState task = tasks.next();
                if (state != null && task.state() != state) {
                    continue;
                }
                total++;
                if (items.size() < wanted) {
                    items.add(task);
                }
            }
            return new Slice(partition, total, items);
        }
    }

    /** How many tasks each partition must send for the page that starts at {@code offset} and holds {@code limit}. */
    public static int wanted(int offset, int limit) {
        return (int) Math.min(Integer.MAX_VALUE, (long) offset + limit);
    }

    /** The page of {@code tasks}, one ordered source (the log folded as of an instant). */
    public static TaskPage of(Iterator<TaskState> tasks, TaskStatus state, int offset, int limit) {
        return merge(List.of(Slice.of(0, tasks, state, wanted(offset, limit))), List.of(), offset, limit);
    }

    /** The page made of every partition's slice, each sorted by id: merged in id order, then cut at {@code offset} and {@code limit}. */
    public static TaskPage merge(List<Slice> slices, List<Integer> unavailable, int offset, int limit) {
        long total = slices.stream().mapToLong(Slice::total).sum();
        record Head(TaskState task, Iterator<TaskState> rest) {
        }
        PriorityQueue<Head> heads = new PriorityQueue<>(Comparator.comparing((Head head) -> head.task().id(), ID_ORDER));
        for (Slice slice : slices) {
            Iterator<TaskState> it = slice.items().iterator();
            if (it.hasNext()) {
                heads.add(new Head(it.next(), it));
            }
        }
        List<TaskState> items = new ArrayList<>();
        long position = 0;
        while (!heads.isEmpty() && items.size() < limit) {
            Head head = heads.poll();
            if (position++ >= offset) {
                items.add(head.task());
            }
            if (head.rest().hasNext()) {
                heads.add(new Head(head.rest().next(), head.rest()));
            }
        }
        boolean more = (long) offset + items.size() < total;
        return new TaskPage(items, total, more, unavailable.stream().sorted().toList());
    }
}
