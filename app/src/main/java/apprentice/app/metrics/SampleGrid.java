package apprentice.app.metrics;

import apprentice.core.eval.ValidationSet;
import apprentice.core.image.Images;
import apprentice.core.pipeline.DiffusionPipeline;
import apprentice.core.pipeline.GenerationRequest;
import apprentice.core.pipeline.ModelComponents;
import apprentice.core.tensor.Tensor;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A sample grid: one row per prompt, one column per source (the real validation image, then each sampler). Two
 * sections: a fixed list of <em>held-out</em> emoji (validation labels, never trained on: can the family draw what
 * it has not seen?) and a fixed list of popular <em>trained</em> emoji (can it draw what it was taught? their real
 * images come from the reference set of training images, when one is given). Each section gives the English labels,
 * then the same emoji's Japanese labels; row r of each language in a section uses seed {@code seed + r}, so the
 * English and Japanese rows differ only in the prompt's language.
 */
public final class SampleGrid {
    /** Labels of held-out emoji chosen to be visually distinct (objects, faces, food, symbols). */
    public static final List<String> FIXED_LABELS = List.of("taco", "bear", "rocket", "thinking face", "pink heart",
            "light bulb", "teapot", "red square");
    static final int ROWS = 8;
    /**
     * Popular emoji of the training split with their CLDR English and Japanese labels (emojibase-data 17.0.0), chosen
     * before looking at any sample: a heart, faces, food, an animal, weather, a flag, a gesture. A label that is in
     * the validation set given (another split) is skipped, so this section only ever shows trained emoji.
     */
    public static final List<List<String>> TRAINED_LABELS = List.of(List.of("red heart", "赤いハート"),
            List.of("grinning face", "にっこり笑う"), List.of("pizza", "ピザ"), List.of("cat face", "ネコの顔"),
            List.of("sun", "太陽"), List.of("flag: Japan", "旗: 日本"), List.of("thumbs up", "サムズアップ"),
            List.of("ghost", "お化け"));
    private static final int SCALE = 2;
    private static final int LABEL_WIDTH = 220;
    private static final int HEADER = 24;

    /**
     * One row: the prompt, its language code, the validation image it names (or -1), whether it was held out, and for a
     * translated row the English label it translates (null otherwise), drawn when the font lacks the prompt's glyphs.
     */
    public record GridRow(String prompt, String language, int realIndex, boolean heldOut, String gloss) {
        public GridRow(String prompt, String language, int realIndex, boolean heldOut) {
            this(prompt, language, realIndex, heldOut, null);
        }

        /** The row's section, as drawn and listed. */
        public String section() {
            return heldOut ? "held out" : "trained";
        }
    }

    private SampleGrid() {
    }

    /**
     * The rows: the fixed held-out labels present in the validation set (a set without them, e.g. in tests,
     * contributes its first distinct labels instead), up to {@value #ROWS}, then the Japanese label of each that has
     * one; then the trained labels absent from the validation set, English then Japanese.
     */
    public static List<GridRow> rows(ValidationSet validation) {
        Set<String> chosen = new LinkedHashSet<>();
        for (String label : FIXED_LABELS) {
            if (validation.labels().contains(label)) {
                chosen.add(label);
            }
        }
        for (String label : validation.distinctLabels()) {
            if (chosen.size() >= ROWS) {
                break;
            }
            chosen.add(label);
        }
        List<GridRow> en = new ArrayList<>();
        List<GridRow> ja = new ArrayList<>();
        for (String label : chosen) {
            int index = validation.labels().indexOf(label);
            en.add(new GridRow(label, "en", index, true));
            String jaLabel = validation.entry(index).labelJa();
            if (jaLabel != null) {
                ja.add(new GridRow(jaLabel, "ja", index, true, label));
            }
        }
        List<GridRow> all = new ArrayList<>(en);
        all.addAll(ja);
        List<GridRow> trainedJa = new ArrayList<>();
        for (List<String> labels : TRAINED_LABELS) {
            if (!validation.labels().contains(labels.get(0))) {
                all.add(new GridRow(labels.get(0), "en", -1, false));
                trainedJa.add(new GridRow(labels.get(1), "ja", -1, false, labels.get(0)));
            }
        }
        all.addAll(trainedJa);
        return all;
    }

    /**
     * Draws every sampler's image of every row (row r of each language with seed + its position in that language). The
     * real column shows a held-out row's validation image and, when a reference set is given, a trained row's first
     * reference image with that English label (empty when there is none).
     */
    public static BufferedImage render(List<GridRow> rows, ValidationSet validation, ValidationSet reference,
                                       List<SamplerSpec> samplers, ModelComponents teacher, ModelComponents student, long seed) {
        List<List<BufferedImage>> columns = new ArrayList<>();
        List<BufferedImage> real = new ArrayList<>();
        for (GridRow r : rows) {
            real.add(r.realIndex() >= 0 ? validation.image(r.realIndex()) : referenceImage(reference, r));
        }
        columns.add(real);
        List<Long> seeds = seeds(rows, seed);
        for (SamplerSpec spec : samplers) {
            ModelComponents model = spec.role().equals("teacher") ? teacher : student;
            GenerationRequest request = GenerationRequest.builder().prompts(rows.stream().map(GridRow::prompt).toList())
                    .seeds(seeds).steps(spec.steps()).guidanceScale(spec.guidance()).scheduler(spec.scheduler())
                    .size(model.defaultImageSize(), model.defaultImageSize()).build();
            Tensor images = new DiffusionPipeline(model).generate(request).images();
            columns.add(Images.toImages(images));
        }
        List<String> headers = new ArrayList<>();
        headers.add("real");
        samplers.forEach(s -> headers.add(s.name()));
        return compose(rows, headers, columns, validation.imageSize() * SCALE);
    }

    /** The first reference image of a trained row's English label (the prompt, or the label a translation glosses). */
    static BufferedImage referenceImage(ValidationSet reference, GridRow row) {
        if (reference == null || row.heldOut()) {
            return null;
        }
        int index = reference.labels().indexOf(row.gloss() != null ? row.gloss() : row.prompt());
        return index >= 0 ? reference.image(index) : null;
    }

    /** Seed of each row: {@code seed} + the row's position among the rows of its section and language. */
    static List<Long> seeds(List<GridRow> rows, long seed) {
        List<Long> out = new ArrayList<>();
        java.util.Map<String, Integer> next = new java.util.HashMap<>();
        for (GridRow r : rows) {
            out.add(seed + next.merge(r.section() + "/" + r.language(), 1, Integer::sum) - 1);
        }
        return out;
    }

    /** Whether the headless default font can draw a text (Japanese often cannot be drawn without CJK fonts). */
    static boolean drawable(Font font, String text) {
        return font.canDisplayUpTo(text) == -1;
    }

    /**
     * The text drawn for a row: its prompt, or when the font lacks its glyphs the row number and the English label it
     * translates (the prompt itself is in family.md).
     */
    public static String rowLabel(GridRow row, int indexInAll) {
        Font font = labelFont();
        String head = "[" + row.language() + ", " + row.section() + "] ";
        String text = head + row.prompt();
        if (drawable(font, text)) {
            return text;
        }
        return head + "row " + (indexInAll + 1) + (row.gloss() != null && drawable(font, row.gloss())
                ? ": \u201c" + row.gloss() + "\u201d translated (see family.md)" : " (see family.md)");
    }

    private static Font labelFont() {
        return new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    }

    private static BufferedImage compose(List<GridRow> rows, List<String> headers, List<List<BufferedImage>> columns, int tile) {
        int width = LABEL_WIDTH + columns.size() * tile;
        int height = HEADER + rows.size() * tile;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(labelFont().deriveFont(Font.BOLD, 11f));
            for (int c = 0; c < headers.size(); c++) {
                g.drawString(headers.get(c), LABEL_WIDTH + c * tile + 4, HEADER - 8);
            }
            g.setFont(labelFont());
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            for (int r = 0; r < rows.size(); r++) {
                int y = HEADER + r * tile;
                g.setColor(Color.BLACK);
                drawWrapped(g, rowLabel(rows.get(r), r), 6, y + 18, LABEL_WIDTH - 12);
                for (int c = 0; c < columns.size(); c++) {
                    BufferedImage img = columns.get(c).get(r);
                    int x = LABEL_WIDTH + c * tile;
                    if (img != null) {
                        g.drawImage(img, x, y, tile, tile, null);
                    }
                    g.setColor(Color.LIGHT_GRAY);
                    g.drawRect(x, y, tile - 1, tile - 1);
                }
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Word-wraps a label into the label column. */
    private static void drawWrapped(Graphics2D g, String text, int x, int y, int maxWidth) {
        StringBuilder line = new StringBuilder();
        int lineHeight = g.getFontMetrics().getHeight();
        for (String word : text.split(" ")) {
            String next = line.length() == 0 ? word : line + " " + word;
            if (g.getFontMetrics().stringWidth(next) > maxWidth && line.length() > 0) {
                g.drawString(line.toString(), x, y);
                y += lineHeight;
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(next);
            }
        }
        if (line.length() > 0) {
            g.drawString(line.toString(), x, y);
        }
    }
}
