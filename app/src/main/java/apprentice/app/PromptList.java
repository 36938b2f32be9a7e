package apprentice.app;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects prompts from the command line and from a prompt file (one per line). */
public final class PromptList {

    private PromptList() {
    }

    /**
     * Positional prompts first, then the file's non-blank lines; lines starting with {@code #} are
     * comments. Fails when the result is empty or a prompt is blank, because generating from an
     * empty prompt is almost always a quoting mistake in a script.
     */
    public static List<String> collect(List<String> positional, Path promptFile) {
        List<String> prompts = new ArrayList<>();
        if (positional != null) {
            for (String p : positional) {
                if (p.isBlank()) {
                    throw new BadInputException("prompt " + (prompts.size() + 1) + " is empty: give a non-empty prompt "
                            + "in quotes, e.g. \"smiling cat face\"");
                }
                prompts.add(p.strip());
            }
        }
        if (promptFile != null) {
            prompts.addAll(readFile(promptFile));
        }
        if (prompts.isEmpty()) {
            throw new BadInputException(promptFile == null
                    ? "no prompt given: add one, e.g. apprentice generate \"smiling cat face\", or use --prompt-file"
                    : "prompt file " + promptFile + " holds no prompts: write one prompt per line");
        }
        return prompts;
    }

    static List<String> readFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BadInputException("prompt file " + file + " does not exist: check the path given to --prompt-file");
        } catch (CharacterCodingException e) {
            throw new BadInputException("prompt file " + file + " is not UTF-8 text: save it as UTF-8");
        } catch (IOException e) {
            throw new BadInputException("cannot read prompt file " + file + " (" + e.getMessage()
                    + "): check that it is a readable text file");
        }
        List<String> prompts = new ArrayList<>();
        for (String line : lines) {
            // editors on Windows start UTF-8 files with a byte-order mark, which strip() keeps
            String p = (line.startsWith("\uFEFF") ? line.substring(1) : line).strip();
            if (!p.isEmpty() && !p.startsWith("#")) {
                prompts.add(p);
            }
        }
        return prompts;
    }

    /** The prompt of each image of a run: every prompt {@code count} times, in order (a, a, b, b for count 2). */
    static List<String> eachRepeated(List<String> prompts, int count) {
        List<String> perImage = new ArrayList<>();
        for (String p : prompts) {
            for (int c = 0; c < count; c++) {
                perImage.add(p);
            }
        }
        return perImage;
    }
}
