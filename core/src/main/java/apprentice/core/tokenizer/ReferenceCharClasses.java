package apprentice.core.tokenizer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code \p{L}} and {@code \p{N}} exactly as the reference's regex module (2022.10.31, Unicode
 * 15.0.0) defines them, from {@code regex-letters-numbers.tsv} beside this class. The JDK's own
 * character data is a different Unicode version (JDK 17: 13.0, which lacks some 4,900 letters and
 * 50 digits added in 14.0 and 15.0), so relying on it would split such text differently, and
 * differently on each JDK.
 */
final class ReferenceCharClasses {

    private static final String RESOURCE = "regex-letters-numbers.tsv";
    private static final int[][] LETTERS;
    private static final int[][] NUMBERS;

    static {
        int[][][] loaded = load();
        LETTERS = loaded[0];
        NUMBERS = loaded[1];
    }

    private ReferenceCharClasses() {
    }

    static boolean isLetter(int cp) {
        if (cp < 0x80) {
            return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
        }
        return contains(LETTERS, cp);
    }

    static boolean isNumber(int cp) {
        if (cp < 0x80) {
            return cp >= '0' && cp <= '9';
        }
        return contains(NUMBERS, cp);
    }

    /** Binary search in sorted, disjoint [start, end] ranges stored as starts[] and ends[]. */
    private static boolean contains(int[][] ranges, int cp) {
        int i = Arrays.binarySearch(ranges[0], cp);
        if (i >= 0) {
            return true;
        }
        int before = -i - 2;
        return before >= 0 && cp <= ranges[1][before];
    }

    private static int[][][] load() {
        int[][] letters = {new int[1024], new int[1024]};
        int[][] numbers = {new int[256], new int[256]};
        int nl = 0;
        int nn = 0;
        try (InputStream in = ReferenceCharClasses.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Resource " + RESOURCE + " is missing from the classpath next to "
                        + ReferenceCharClasses.class.getName() + "; rebuild the apprentice-core jar.");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                int start = Integer.parseInt(f[1], 16);
                int end = Integer.parseInt(f[2], 16);
                if (f[0].equals("L")) {
                    letters = grow(letters, nl);
                    letters[0][nl] = start;
                    letters[1][nl++] = end;
                } else {
                    numbers = grow(numbers, nn);
                    numbers[0][nn] = start;
                    numbers[1][nn++] = end;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + RESOURCE, e);
        }
        return new int[][][] {
            {Arrays.copyOf(letters[0], nl), Arrays.copyOf(letters[1], nl)},
            {Arrays.copyOf(numbers[0], nn), Arrays.copyOf(numbers[1], nn)},
        };
    }

    private static int[][] grow(int[][] ranges, int used) {
        if (used < ranges[0].length) {
            return ranges;
        }
        return new int[][] {Arrays.copyOf(ranges[0], used * 2), Arrays.copyOf(ranges[1], used * 2)};
    }
}
