package apprentice.app.serve;

import apprentice.core.noise.Seeds;
import apprentice.core.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns a request's fields into validated {@link JobSpec}s, one per image. Every field is checked for
 * type, range and length; a bad one is a 400 naming the field and the fix. Unknown fields are refused
 * too, so a misspelt option never silently falls back to its default.
 */
final class RequestReader {
    /** Fields of the native API ({@code /api/generate}, {@code /api/jobs}, {@code /api/edit}). */
    static final Set<String> FIELDS = Set.of("prompt", "negative_prompt", "seed", "width", "height", "steps", "guidance", "mode",
            "k", "teacher_steps", "teacher_guidance", "refine_strength", "teacher_mode", "strength", "n", "image", "control_image", "control_scale");

    private final ServedModels models;
    private final ServeSettings settings;

    RequestReader(ServedModels models, ServeSettings settings) {
        this.models = models;
        this.settings = settings;
    }

    /**
     * @param fields the request's fields (JSON values: String, Number, Boolean, ...)
     * @param image an uploaded image (multipart), or null to read {@code image} (base64) from the fields
     */
    List<JobSpec> read(Map<String, Object> fields, byte[] image) {
        return read(fields, image, null);
    }

    /** As {@link #read(Map, byte[])}, with an uploaded ControlNet image (multipart), or null to read {@code control_image}. */
    List<JobSpec> read(Map<String, Object> fields, byte[] image, byte[] controlUpload) {
        for (String name : fields.keySet()) {
            if (!FIELDS.contains(name)) {
                throw ApiException.badField(name, "unknown field '" + name + "': known fields are " + String.join(", ", sorted(FIELDS)));
            }
        }
        Fields f = new Fields(fields);
        String prompt = f.limitedText("prompt", true, settings.maxPromptChars());
        String negative = f.limitedText("negative_prompt", false, settings.maxPromptChars());
        int multiple = models.sizeMultiple();
        int width = f.integer("width", 0, multiple, settings.maxSide());
        int height = f.integer("height", 0, multiple, settings.maxSide());
        checkMultiple("width", width, multiple);
        checkMultiple("height", height, multiple);
        int steps = f.integer("steps", settings.studentSteps(), 1, settings.maxSteps());
        double guidance = f.number("guidance", settings.studentGuidance(), 0, 50, true);
        Mode mode = f.choice("mode", Mode.class, defaultMode());
        double k = f.number("k", settings.budgetK(), 0, 100, false, false);
        int teacherSteps = f.integer("teacher_steps", settings.teacherSteps(), 1, settings.maxSteps());
        double teacherGuidance = f.number("teacher_guidance", settings.teacherGuidance(), 0, 50, true);
        double refine = f.number("refine_strength", settings.refineStrength(), 0, 1, false, true);
        TeacherAction action = f.choice("teacher_mode", TeacherAction.class, TeacherAction.REFINE);
        double editStrength = f.number("strength", settings.editStrength(), 0, 1, false, true);
        int n = f.integer("n", 1, 1, settings.maxImages());
        long seed = fields.containsKey("seed") ? f.seed("seed", n) : Seeds.random();

        byte[] imageBytes = image;
        if (imageBytes == null && fields.get("image") != null) {
            imageBytes = ImageCodec.fromBase64(f.text("image", false), "image");
        }
        Tensor init = null;
        if (imageBytes != null) {
            init = ImageCodec.decodeUpload(imageBytes, "image", settings.maxSide(), multiple, width, height);
            width = init.dim(3);
            height = init.dim(2);
        } else if (fields.containsKey("strength")) {
            throw ApiException.badField("strength", "strength is the edit strength and needs an input image: send 'image', or drop 'strength'");
        }
        width = width == 0 ? models.defaultSize() : width;
        height = height == 0 ? models.defaultSize() : height;
        checkMode(mode);
        double controlScale = f.number("control_scale", 1.0, 0, 10, true);
        byte[] controlBytes = controlUpload;
        if (controlBytes == null && fields.get("control_image") != null) {
            controlBytes = ImageCodec.fromBase64(f.text("control_image", false), "control_image");
        }
        Tensor control = null;
        if (controlBytes != null) {
            if (!models.hasControlNet()) {
                throw ApiException.badField("control_image", "this server runs no ControlNet: start it with --controlnet FOLDER"
                        + " (and ControlNet-ready models), or drop control_image");
            }
            control = ImageCodec.decodeControl(controlBytes, "control_image", settings.maxSide(), width, height);
        } else if (models.hasControlNet()) {
            throw ApiException.badField("control_image", "this server's models are ControlNet-ready (" + models.controlNet()
                    + "): send control_image, the edges, depth or pose map to condition on (PNG or JPEG, base64 or a file field)");
        } else if (fields.containsKey("control_scale")) {
            throw ApiException.badField("control_scale", "control_scale weights a ControlNet and needs control_image: send it, or drop control_scale");
        }

        List<JobSpec> specs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            specs.add(new JobSpec(mode, prompt, negative, seed + i, width, height, steps, guidance, k, teacherSteps, teacherGuidance,
                    refine, action, init, editStrength, control, controlScale));
        }
        return specs;
    }

    /** Adaptive when the server can do it (teacher and oracle), else the student alone. */
    Mode defaultMode() {
        return models.hasTeacher() && models.hasOracle() ? Mode.ADAPTIVE : Mode.STUDENT;
    }

    private void checkMode(Mode mode) {
        if (mode != Mode.STUDENT && !models.hasTeacher()) {
            throw ApiException.badField("mode", "mode '" + mode.label() + "' needs a teacher model and this server has none: use "
                    + "mode 'student', or start the server with --teacher");
        }
        if (mode == Mode.ADAPTIVE && !models.hasOracle()) {
            throw ApiException.badField("mode", "mode 'adaptive' needs an oracle to score drafts and this server has none: use "
                    + "mode 'student' or 'teacher', or start the server with --oracle");
        }
    }

    private static void checkMultiple(String field, int value, int multiple) {
        if (value != 0 && value % multiple != 0) {
            int lower = Math.max(multiple, value / multiple * multiple);
            throw ApiException.badField(field, field + " is " + value + " but this model needs multiples of " + multiple
                    + ": use " + lower + " or " + (lower + multiple));
        }
    }

    private static List<String> sorted(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        list.sort(null);
        return list;
    }

    /** Typed access to JSON fields, each failure naming its field. */
    static final class Fields {
        private final Map<String, Object> values;

        Fields(Map<String, Object> values) {
            this.values = new LinkedHashMap<>(values);
        }

        boolean has(String name) {
            return values.get(name) != null;
        }

        String text(String name, boolean required) {
            Object v = values.get(name);
            if (v == null) {
                if (required) {
                    throw ApiException.badField(name, name + " is missing: send it as a string, e.g. \"" + name + "\": \"a red apple\"");
                }
                return "";
            }
            if (!(v instanceof String s)) {
                throw ApiException.badField(name, name + " is a " + Json.kind(v) + ": send it as a string");
            }
            if (required && s.isBlank()) {
                throw ApiException.badField(name, name + " is empty: describe the image to draw");
            }
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                    throw ApiException.badField(name, name + " contains the control character U+" + String.format("%04X", (int) c)
                            + " at position " + i + ": remove it");
                }
            }
            return s;
        }

        String limitedText(String name, boolean required, int maxLength) {
            String s = text(name, required);
            int length = s.codePointCount(0, s.length());
            if (length > maxLength) {
                throw ApiException.badField(name, name + " has " + length + " characters: shorten it to at most " + maxLength);
            }
            return s;
        }

        int integer(String name, int fallback, int min, int max) {
            Object v = values.get(name);
            if (v == null) {
                return fallback;
            }
            long x = wholeNumber(name, v);
            if (x < min || x > max) {
                throw ApiException.badField(name, name + " is " + x + ": use a whole number from " + min + " to " + max);
            }
            return (int) x;
        }

        long seed(String name, int count) {
            Object v = values.get(name);
            long x = wholeNumber(name, v);
            long max = Seeds.LIMIT - count;
            if (x < 0 || x > max) {
                throw ApiException.badField(name, name + " is " + x + ": use a whole number from 0 to " + max
                        + " (seeds are below 2^53; image i gets seed + i), or omit it for a random seed");
            }
            return x;
        }

        double number(String name, double fallback, double min, double max, boolean inclusiveMin) {
            return number(name, fallback, min, max, inclusiveMin, true);
        }

        /** A finite number in the range; the bounds are inclusive unless said otherwise. */
        double number(String name, double fallback, double min, double max, boolean inclusiveMin, boolean inclusiveMax) {
            Object v = values.get(name);
            if (v == null) {
                return fallback;
            }
            if (!(v instanceof Number num)) {
                throw ApiException.badField(name, name + " is a " + Json.kind(v) + ": send a number");
            }
            double x = num.doubleValue();
            boolean low = inclusiveMin ? x >= min : x > min;
            boolean high = inclusiveMax ? x <= max : x < max;
            if (!Double.isFinite(x) || !low || !high) {
                throw ApiException.badField(name, name + " is " + num + ": use a number in " + (inclusiveMin ? "[" : "(")
                        + fmt(min) + ", " + fmt(max) + (inclusiveMax ? "]" : ")"));
            }
            return x;
        }

        <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
            Object v = values.get(name);
            if (v == null) {
                return fallback;
            }
            List<String> names = new ArrayList<>();
            for (E e : type.getEnumConstants()) {
                names.add(e.name().toLowerCase(Locale.ROOT));
            }
            if (v instanceof String s) {
                for (E e : type.getEnumConstants()) {
                    if (e.name().equalsIgnoreCase(s.trim())) {
                        return e;
                    }
                }
            }
            throw ApiException.badField(name, name + " is " + Json.string(v) + ": use one of " + String.join(", ", names));
        }

        private static long wholeNumber(String name, Object v) {
            if (v instanceof Integer || v instanceof Long || v instanceof Short) {
                return ((Number) v).longValue();
            }
            if (v instanceof java.math.BigInteger) {
                throw ApiException.badField(name, name + " is " + v + ", far too large: use a smaller whole number");
            }
            if (v instanceof Number num) {
                double d = num.doubleValue();
                if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                    return (long) d;
                }
                throw ApiException.badField(name, name + " is " + num + ": use a whole number");
            }
            throw ApiException.badField(name, name + " is a " + Json.kind(v) + ": send a whole number");
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
