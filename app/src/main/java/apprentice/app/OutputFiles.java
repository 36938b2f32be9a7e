package apprentice.app;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Names output files {@code <yyyyMMdd-HHmmss>-<seed>-<index>.png} (plus a {@code .json} sidecar with
 * the same stem) and never overwrites: when a stem is taken, {@code -2}, {@code -3}, ... is appended.
 *
 * <p>Files are first written to a hidden temporary file in the output folder and then published
 * with a hard link, which fails atomically when the name exists, so two processes writing into the
 * same folder cannot clobber each other and a reader never sees a half-written image.
 */
public final class OutputFiles {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path folder;

    public OutputFiles(Path folder) {
        this.folder = folder;
    }

    public Path folder() {
        return folder;
    }

    /** Creates the output folder (and parents); a path that exists as a file is bad input. */
    public void ensureFolder() {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new BadInputException("output path " + folder + " is a file, not a folder: give a folder to --output");
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new BadInputException("cannot create output folder " + folder + " (" + e.getMessage()
                    + "): give a writable folder to --output");
        }
        if (!Files.isWritable(folder)) {
            throw new BadInputException("output folder " + folder + " is not writable: give a writable folder to --output");
        }
    }

    /** The stem for image {@code index} of a run started at {@code time} with {@code seed}. */
    public static String stem(LocalDateTime time, long seed, int index) {
        return STAMP.format(time) + "-" + Long.toUnsignedString(seed) + "-" + index;
    }

    /**
     * A new empty hidden file in the output folder (same file system, so publishing it is a link, not a
     * copy). Unlike {@code Files.createTempFile} it gets the umask's permissions, which the published
     * image keeps.
     */
    public Path temporary(String suffix) throws IOException {
        while (true) {
            Path p = folder.resolve(".apprentice-" + UUID.randomUUID() + suffix);
            try {
                return Files.createFile(p);
            } catch (FileAlreadyExistsException e) {
                // astronomically unlikely; draw another name
            }
        }
    }

    /**
     * Publishes the written temporary files under the first free stem: {@code stem}, {@code stem-2}, ...
     * Every file of the group gets the same stem ({@code image.png} with {@code image.json}).
     *
     * @param temps temporary files, already completely written
     * @param extensions their final extensions, e.g. {@code ".png", ".json"}
     * @return the published paths, in the same order
     */
    public Path[] publish(String stem, Path[] temps, String[] extensions) throws IOException {
        for (int attempt = 1; ; attempt++) {
            String candidate = attempt == 1 ? stem : stem + "-" + attempt;
            Path[] targets = new Path[temps.length];
            boolean free = true;
            for (int i = 0; i < temps.length && free; i++) {
                targets[i] = folder.resolve(candidate + extensions[i]);
                free = !Files.exists(targets[i]);
            }
            if (free && claim(temps, targets)) {
                return targets;
            }
        }
    }

    /** Links every temporary to its target; on a clash undoes what it linked and reports false. */
    private static boolean claim(Path[] temps, Path[] targets) throws IOException {
        for (int i = 0; i < temps.length; i++) {
            try {
                linkOrMove(temps[i], targets[i]);
            } catch (FileAlreadyExistsException e) {
                for (int j = 0; j < i; j++) {
                    // give the name back but keep the content in its temporary file for the next attempt
                    Files.move(targets[j], temps[j]);
                }
                return false;
            }
        }
        return true;
    }

    private static void linkOrMove(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            // file systems without hard links: a plain rename (refuses an existing target, tiny race)
            Files.move(temp, target);
            return;
        }
        Files.delete(temp);
    }
}
