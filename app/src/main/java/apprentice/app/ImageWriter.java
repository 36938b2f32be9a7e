package apprentice.app;

import apprentice.core.image.JsonSidecar;
import apprentice.core.image.PngWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes one generated image as {@code <stem>.png} (metadata in iTXt chunks) plus {@code <stem>.json},
 * never replacing an existing file and never leaving a partial one: both are written completely under
 * temporary names, then published together by {@link OutputFiles#publish}.
 */
final class ImageWriter {
    private final OutputFiles files;

    ImageWriter(OutputFiles files) {
        this.files = files;
    }

    /**
     * @param pngMetadata what goes into the PNG (may omit wall-clock data for reproducible files)
     * @param sidecarMetadata what goes into the JSON sidecar (always complete)
     * @return the PNG's path
     */
    Path write(String stem, BufferedImage image, Map<String, Object> pngMetadata, Map<String, Object> sidecarMetadata)
            throws IOException {
        byte[] png = PngWriter.encode(image, pngMetadata);
        Path tmpPng = files.temporary(".png");
        Path tmpJson = null;
        try {
            Files.write(tmpPng, png);
            tmpJson = JsonSidecar.write(tmpPng, sidecarMetadata);
            return files.publish(stem, new Path[] {tmpPng, tmpJson}, new String[] {".png", ".json"})[0];
        } finally {
            Files.deleteIfExists(tmpPng);
            if (tmpJson != null) {
                Files.deleteIfExists(tmpJson);
            } else {
                Files.deleteIfExists(JsonSidecar.pathFor(tmpPng));
            }
        }
    }
}
