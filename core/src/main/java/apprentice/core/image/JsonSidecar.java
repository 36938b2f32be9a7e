package apprentice.core.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes an image's metadata as pretty-printed UTF-8 JSON next to it: {@code out/fox_0.png} gets
 * {@code out/fox_0.json}. Written atomically like the PNG, so tools that watch the directory never
 * read half a file.
 */
public final class JsonSidecar {
    private JsonSidecar() {
    }

    /** The sidecar path for an image: same directory, extension replaced by {@code .json}. */
    public static Path pathFor(Path image) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        if (name.substring(stem.length()).equalsIgnoreCase(".json")) {
            throw new IllegalArgumentException("image path " + image + " ends in .json, so its sidecar would overwrite it; "
                    + "give the image an image extension such as .png");
        }
        return image.resolveSibling(stem + ".json");
    }

    /** Writes the sidecar of {@code image} and returns its path. */
    public static Path write(Path image, Map<String, Object> metadata) throws IOException {
        Path target = pathFor(image);
        byte[] json = (MetadataJson.pretty(metadata) + "\n").getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(target, out -> out.write(json));
        return target;
    }
}
