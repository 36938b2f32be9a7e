package apprentice.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds model folders: the one the user named, or the built-in family shipped under
 * {@code models/emoji/} of the apprentice installation (the {@code apprentice.home} system
 * property, which the launcher script sets; else the working directory).
 */
public final class ModelLocator {
    /** Where the built-in family lives, relative to the installation. */
    static final String BUILT_IN_DIR = "models/emoji";
    /** The built-in model preferred for drafting (the few-step student). */
    static final String BUILT_IN_DEFAULT = "student";

    private ModelLocator() {
    }

    /** The installation directory: {@code -Dapprentice.home}, else the working directory. */
    public static Path home() {
        String home = System.getProperty("apprentice.home");
        return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }

    /**
     * The built-in model folder, if one is installed: {@code models/emoji/student}, else
     * {@code models/emoji/teacher}, else {@code models/emoji} itself when it is a model folder. (The
     * family's {@code oracle/} scores images and is never a generator.)
     */
    public static Optional<Path> builtIn(Path home) {
        Path family = home.resolve(BUILT_IN_DIR);
        for (Path candidate : List.of(family.resolve(BUILT_IN_DEFAULT), family.resolve("teacher"), family)) {
            if (isModelFolder(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** A diffusers/Optimum folder has a {@code model_index.json} at its root. */
    public static boolean isModelFolder(Path folder) {
        return Files.isRegularFile(folder.resolve("model_index.json"));
    }

    /**
     * Checks a user-given model folder before anything is loaded, so the commonest mistakes (a typo
     * in the path, pointing at a single .onnx file or at a sub-folder) get a message that says so.
     */
    public static Path requireModelFolder(Path folder) {
        if (!Files.exists(folder)) {
            throw new BadInputException("model folder " + folder + " does not exist: check the path given to --model");
        }
        if (!Files.isDirectory(folder)) {
            throw new BadInputException("--model " + folder + " is a file: give the model's folder (the one holding "
                    + "model_index.json, unet/, vae_decoder/, ...), not a single file");
        }
        if (!isModelFolder(folder)) {
            Path parent = folder.toAbsolutePath().getParent();
            String hint = parent != null && isModelFolder(parent)
                    ? "give its parent " + parent + " instead"
                    : "give a diffusers/Optimum ONNX export folder (with model_index.json, text_encoder/, unet/, vae_decoder/)";
            throw new BadInputException("model folder " + folder + " has no model_index.json, so it is not a "
                    + "diffusers/Optimum ONNX model folder: " + hint);
        }
        return folder;
    }
}
