package apprentice.core.image;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Writes a file so that readers see either the old file or the complete new one, never a partial
 * one: the content goes to a hidden temporary file in the same directory (same file system), is
 * flushed to disk, and is then renamed over the target with {@code ATOMIC_MOVE}. On any failure
 * the temporary file is deleted and the target is left untouched.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes content to a stream; may throw. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    public static void write(Path target, Content content) throws IOException {
        write(target, content, UnaryOperator.identity());
    }

    /**
     * As {@link #write(Path, Content)}, with the stream wrapped by {@code decorate} first (tests use
     * it to inject a failure part-way through).
     */
    static void write(Path target, Content content, UnaryOperator<OutputStream> decorate) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (!Files.isDirectory(dir)) {
            throw new IOException("cannot write " + absolute + ": directory " + dir + " does not exist (create it first)");
        }
        Path tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        boolean moved = false;
        try {
            givePermissions(tmp, absolute);
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream raw = Channels.newOutputStream(channel);
                OutputStream out = decorate.apply(raw);
                content.writeTo(out);
                out.flush();
                channel.force(true); // data on disk before the rename makes it visible
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot write " + absolute + " atomically: its file system does not support "
                        + "atomic renames; write to a local directory instead", e);
            }
            moved = true;
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /**
     * Temporary files are created owner-only (0600); the result should look like any other output
     * file: the replaced file's permissions, or rw-r--r-- for a new one.
     */
    private static void givePermissions(Path tmp, Path target) throws IOException {
        if (!Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> perms = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(tmp, perms);
    }
}
