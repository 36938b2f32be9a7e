package apprentice.core.image;

import apprentice.core.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} files to and from {@link Tensor}s, so latents and images can be exchanged
 * with Python exactly (e.g. {@code apprentice generate --latents x.npy} against diffusers'
 * {@code latents=torch.from_numpy(np.load("x.npy"))}).
 *
 * <p>Writing produces what {@code np.save} produces for a C-ordered little-endian float32 array,
 * byte for byte (checked against NumPy 2.4 output): format 1.0 (2.0 when the header needs more
 * than 65,535 bytes), header padded with spaces to a multiple of 64 bytes and ended by a newline. Reading accepts format 1.0, 2.0 and 3.0,
 * dtypes {@code <f4}, {@code <f8} and {@code <f2} (converted to float32; float64 rounds to nearest),
 * and C order; Fortran-ordered arrays are rejected rather than silently transposed.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {
    }

    // ------------------------------------------------------------------ writing

    public static void write(Path file, Tensor tensor) throws IOException {
        byte[] bytes = toBytes(tensor);
        AtomicFiles.write(file, out -> out.write(bytes));
    }

    public static byte[] toBytes(Tensor tensor) {
        int[] shape = tensor.shape();
        String header = header(shape);
        // np.save leaves room to grow the first axis in place: 21 digits' worth of spaces
        if (shape.length > 0) {
            header += " ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length());
        }
        boolean v1 = true;
        int headerField = paddedHeaderLength(MAGIC.length + 2 + 2, header);
        if (headerField > 0xFFFF) {
            v1 = false;
            headerField = paddedHeaderLength(MAGIC.length + 2 + 4, header);
        }
        String padded = header + " ".repeat(headerField - header.length() - 1) + "\n";
        float[] data = tensor.data();
        int prefix = MAGIC.length + 2 + (v1 ? 2 : 4);
        ByteBuffer buf = ByteBuffer.allocate(prefix + headerField + 4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.put(MAGIC).put((byte) (v1 ? 1 : 2)).put((byte) 0);
        if (v1) {
            buf.putShort((short) headerField);
        } else {
            buf.putInt(headerField);
        }
        buf.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        buf.asFloatBuffer().put(data);
        return buf.array();
    }

    /**
     * Header text plus newline, padded with spaces so the data starts at a multiple of 64 bytes;
     * like NumPy, an already aligned header still gets a full 64 bytes of padding.
     */
    private static int paddedHeaderLength(int prefix, String header) {
        int withNewline = header.length() + 1;
        return withNewline + ALIGN - (prefix + withNewline) % ALIGN;
    }

    /** The dict literal np.save writes, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}. */
    private static String header(int[] shape) {
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            s.append(',');
        }
        s.append(')');
        return "{'descr': '<f4', 'fortran_order': False, 'shape': " + s + ", }";
    }

    // ------------------------------------------------------------------ reading

    public static Tensor read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toAbsolutePath().toString(), null, ".npy file not found");
        }
        return fromBytes(bytes, file.toString());
    }

    public static Tensor fromBytes(byte[] bytes, String source) {
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < MAGIC.length + 4 || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new IllegalArgumentException(source + " is not a .npy file (missing \\x93NUMPY magic); save it with numpy.save");
        }
        buf.position(MAGIC.length);
        int major = buf.get() & 0xFF;
        buf.get(); // minor version: no format difference we depend on
        long headerLength;
        if (major == 1) {
            headerLength = buf.getShort() & 0xFFFF;
        } else if (major == 2 || major == 3) {
            if (buf.remaining() < 4) {
                throw new IllegalArgumentException(source + " is truncated inside its header");
            }
            headerLength = buf.getInt() & 0xFFFFFFFFL;
        } else {
            throw new IllegalArgumentException(source + " uses .npy format version " + major
                    + ", which is not supported (1.0, 2.0 and 3.0 are); re-save it with numpy.save");
        }
        if (headerLength > buf.remaining()) {
            throw new IllegalArgumentException(source + " is truncated inside its header");
        }
        byte[] headerBytes = new byte[(int) headerLength];
        buf.get(headerBytes);
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        String descr = group(DESCR, header, "descr", source);
        if (group(FORTRAN, header, "fortran_order", source).equals("True")) {
            throw new IllegalArgumentException(source + " stores its array in Fortran (column-major) order, which is not "
                    + "supported; save a C-ordered copy: numpy.save(path, numpy.ascontiguousarray(a))");
        }
        int[] shape = parseShape(group(SHAPE, header, "shape", source), source);
        long count = Tensor.numel(shape);
        if (count > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(source + " holds " + count + " values, more than a tensor can hold");
        }
        int n = (int) count;
        int itemSize = switch (descr) {
            case "<f4" -> 4;
            case "<f8" -> 8;
            case "<f2" -> 2;
            default -> throw new IllegalArgumentException(source + " has dtype '" + descr + "'; only little-endian float "
                    + "arrays are supported ('<f4', '<f8', '<f2'): convert with a.astype('<f4')");
        };
        long expected = (long) n * itemSize;
        if (buf.remaining() < expected) {
            throw new IllegalArgumentException(source + " is truncated: shape " + Arrays.toString(shape) + " needs "
                    + expected + " data bytes but only " + buf.remaining() + " are present");
        }
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = switch (itemSize) {
                case 4 -> buf.getFloat();
                case 8 -> (float) buf.getDouble();
                default -> halfToFloat(buf.getShort());
            };
        }
        return new Tensor(shape, data);
    }

    private static String group(Pattern p, String header, String key, String source) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(source + " has a malformed .npy header (no '" + key + "' entry): " + header.trim());
        }
        return m.group(1);
    }

    private static int[] parseShape(String inner, String source) {
        List<Integer> dims = new ArrayList<>();
        for (String part : inner.split(",")) {
            String t = part.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (t.endsWith("L")) {
                t = t.substring(0, t.length() - 1); // Python 2 longs
            }
            try {
                dims.add(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(source + " has an invalid shape entry '" + t + "' in its header");
            }
        }
        return dims.stream().mapToInt(Integer::intValue).toArray();
    }

    /** IEEE 754 binary16 to float32 (exact: every half is a float). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13)); // inf or NaN
        }
        if (exp == 0) {
            float sub = mant * 0x1p-24f; // subnormal (or zero): mant * 2^-24, exact
            return sign != 0 ? -sub : sub;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }
}
