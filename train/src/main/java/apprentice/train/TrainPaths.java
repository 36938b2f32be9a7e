package apprentice.train;

import java.nio.file.Path;

/** Default locations: everything regenerable lives under ~/.cache/apprentice. */
public final class TrainPaths {
    private TrainPaths() {
    }

    public static Path cacheRoot() {
        return Path.of(System.getProperty("user.home"), ".cache", "apprentice");
    }

    public static Path npmCache() {
        return cacheRoot().resolve("npm");
    }

    public static Path dataset() {
        return cacheRoot().resolve("dataset").resolve("emoji64");
    }

    public static Path stage(String name) {
        return cacheRoot().resolve("train").resolve(name);
    }
}
