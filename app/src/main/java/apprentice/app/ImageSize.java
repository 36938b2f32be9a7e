package apprentice.app;

import picocli.CommandLine.ITypeConverter;

/** Image width and height in pixels, parsed from {@code WxH} (e.g. {@code 512x512}). */
public record ImageSize(int width, int height) {

    public ImageSize {
        if (width <= 0 || height <= 0) {
            throw new BadInputException("image size " + width + "x" + height + " is not positive: give e.g. --size 512x512");
        }
    }

    /** Parses {@code WxH}; "x", "X" and "*" are accepted between the numbers. */
    public static ImageSize parse(String text) {
        String[] parts = text.trim().split("[xX*]");
        if (parts.length != 2) {
            throw new BadInputException("size '" + text + "' is not WIDTHxHEIGHT: give e.g. --size 512x512");
        }
        try {
            return new ImageSize(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new BadInputException("size '" + text + "' is not WIDTHxHEIGHT in whole pixels: give e.g. --size 512x512");
        }
    }

    /** Fails unless both sides are multiples of the VAE's down-sampling factor. */
    public void requireDivisibleBy(int factor, String modelName) {
        if (width % factor != 0 || height % factor != 0) {
            int w = Math.max(factor, Math.round(width / (float) factor) * factor);
            int h = Math.max(factor, Math.round(height / (float) factor) * factor);
            throw new BadInputException("size " + this + " is not divisible by " + factor + " (the VAE factor of "
                    + modelName + "): use multiples of " + factor + ", e.g. --size " + w + "x" + h);
        }
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }

    /** picocli converter for {@code --size}. */
    public static final class Converter implements ITypeConverter<ImageSize> {
        @Override
        public ImageSize convert(String value) {
            return parse(value);
        }
    }
}
