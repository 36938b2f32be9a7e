package apprentice.app.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A FIFO queue that hands out batches of compatible items: the oldest item, plus up to {@code max − 1}
 * later items with the same key that arrive within {@code window} of the first being taken. Items with a
 * null key always go alone. Incompatible items keep their place for the next batch.
 */
final class MicroBatcher<T> {
    private final ArrayDeque<T> items = new ArrayDeque<>();
    private final Function<T, Object> key;
    private boolean closed;

    MicroBatcher(Function<T, Object> key) {
        this.key = key;
    }

    synchronized void add(T item) {
        if (closed) {
            throw new IllegalStateException("the queue is closed");
        }
        items.add(item);
        notifyAll();
    }

    synchronized int size() {
        return items.size();
    }

    /** Blocks for the next batch; an empty list once the queue is closed and empty. */
    synchronized List<T> take(int max, long windowNanos) throws InterruptedException {
        while (items.isEmpty() && !closed) {
            wait();
        }
        if (items.isEmpty()) {
            return List.of();
        }
        List<T> batch = new ArrayList<>();
        T first = items.poll();
        batch.add(first);
        Object k = key.apply(first);
        if (k == null) {
            return batch;
        }
        long deadline = System.nanoTime() + windowNanos;
        while (true) {
            for (Iterator<T> it = items.iterator(); it.hasNext() && batch.size() < max; ) {
                T item = it.next();
                if (Objects.equals(k, key.apply(item))) {
                    it.remove();
                    batch.add(item);
                }
            }
            long left = deadline - System.nanoTime();
            if (batch.size() >= max || left <= 0 || closed) {
                return batch;
            }
            long ms = left / 1_000_000;
            wait(ms, (int) (left % 1_000_000));
        }
    }

    /** Refuses new items and wakes waiting takers; items already queued can still be taken or drained. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    synchronized List<T> drain() {
        List<T> rest = new ArrayList<>(items);
        items.clear();
        return rest;
    }
}
