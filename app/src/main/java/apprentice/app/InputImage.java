package apprentice.app;

import apprentice.core.image.Images;
import apprentice.core.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Path;

/** The image a run starts from ({@code --init-image}, {@code --image}, {@code --edit-image}): loading it and making it the pipeline's input. */
final class InputImage {
    private InputImage() {
    }

    /** Loads the file given to {@code option}; an unreadable or unknown image is bad input naming that option. */
    static BufferedImage load(Path file, String option) {
        try {
            return Images.load(file);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(option + ": " + e.getMessage(), e);
        }
    }

    /** The image as a pipeline input (values in [-1, 1]), resized to {@code size} when it differs, silently. */
    static Tensor toTensor(BufferedImage image, ImageSize size) {
        return toTensor(image, size, null, null);
    }

    /**
     * As {@link #toTensor(BufferedImage, ImageSize)}, but a resize is announced on {@code notes} as
     * "note: resizing {@code name} from WxH to WxH", so the user knows the output is not at the image's own size.
     */
    static Tensor toTensor(BufferedImage image, ImageSize size, String name, PrintWriter notes) {
        BufferedImage img = image;
        if (image.getWidth() != size.width() || image.getHeight() != size.height()) {
            if (notes != null) {
                notes.println("note: resizing " + name + " from " + image.getWidth() + "x" + image.getHeight() + " to " + size);
            }
            img = Images.resize(image, size.width(), size.height());
        }
        return Images.toTensor(img, true);
    }

    /**
     * A ControlNet conditioning image: RGB in [0, 1] (diffusers' control image processor does not normalise, and
     * PIL's {@code convert("RGB")} drops transparency), resized to {@code size} with a note when it differs.
     */
    static Tensor toControlTensor(BufferedImage image, ImageSize size, String name, PrintWriter notes) {
        BufferedImage img = image;
        if (image.getWidth() != size.width() || image.getHeight() != size.height()) {
            notes.println("note: resizing " + name + " from " + image.getWidth() + "x" + image.getHeight() + " to " + size);
            img = Images.resize(image, size.width(), size.height());
        }
        return Images.toUnitRangeTensor(img);
    }
}
