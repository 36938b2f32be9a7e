package apprentice.app.evaluate;

import apprentice.core.image.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * A small line/scatter chart rendered headless with java.awt and written as PNG: axes with "nice" ticks, labelled
 * series (a line through the points, or markers only), a legend beside the plot. Enough for the evaluation report's
 * quality-vs-cost plots; no dependency beyond the JDK.
 */
public final class Chart {
    /** Distinct, colour-blind-friendly series colours (Okabe–Ito, then Tableau extras). */
    static final Color[] PALETTE = {
        new Color(0x0072B2), new Color(0xD55E00), new Color(0x009E73), new Color(0xCC79A7), new Color(0xE69F00),
        new Color(0x56B4E9), new Color(0x000000), new Color(0x8C564B), new Color(0x7F7F7F), new Color(0xBCBD22),
        new Color(0x17BECF), new Color(0x9467BD),
    };

    /** One point of a series. */
    public record Point(double x, double y) {
    }

    /**
     * A labelled series.
     *
     * @param connect draw a line through the points in the order given (a curve along its knob, e.g. k) rather than markers only
     */
    public record Series(String label, List<Point> points, boolean connect) {
        public Series {
            Objects.requireNonNull(label, "label");
            points = List.copyOf(points);
        }
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private int width = 960;
    private int height = 600;

    public Chart(String title, String xLabel, String yLabel) {
        this.title = Objects.requireNonNull(title, "title");
        this.xLabel = Objects.requireNonNull(xLabel, "xLabel");
        this.yLabel = Objects.requireNonNull(yLabel, "yLabel");
    }

    public Chart size(int w, int h) {
        if (w < 200 || h < 150) {
            throw new IllegalArgumentException("chart size " + w + "×" + h + " is too small: at least 200×150");
        }
        this.width = w;
        this.height = h;
        return this;
    }

    /** Adds a series; points with a non-finite coordinate are left out (a method without that measure). */
    public Chart add(Series s) {
        List<Point> finite = s.points().stream().filter(p -> Double.isFinite(p.x()) && Double.isFinite(p.y())).toList();
        if (!finite.isEmpty()) {
            series.add(new Series(s.label(), finite, s.connect()));
        }
        return this;
    }

    public List<Series> series() {
        return List.copyOf(series);
    }

    /** The colour series {@code i} is drawn in. */
    public static Color colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    // layout, in pixels
    private static final int LEFT = 80;
    private static final int TOP = 44;
    private static final int BOTTOM = 56;
    private static final int LEGEND_WIDTH = 250;

    /** The plot area's right edge (the legend sits to its right). */
    private int plotRight() {
        return width - LEGEND_WIDTH - 16;
    }

    private int plotBottom() {
        return height - BOTTOM;
    }

    /** Axis range with ticks, computed from all series. */
    record Axis(double min, double max, double step) {
        static Axis of(double lo, double hi) {
            if (!(hi > lo)) {
                double pad = lo == 0 ? 1 : Math.abs(lo) * 0.1;
                lo -= pad;
                hi += pad;
            }
            double step = niceStep((hi - lo) / 6.0);
            double min = Math.floor(lo / step) * step;
            double max = Math.ceil(hi / step) * step;
            return new Axis(min, max, step);
        }

        /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
        static double niceStep(double raw) {
            double p = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 5, 10}) {
                if (m * p >= raw * 0.999) {
                    return m * p;
                }
            }
            return 10 * p;
        }

        List<Double> ticks() {
            List<Double> t = new ArrayList<>();
            int n = (int) Math.round((max - min) / step);
            for (int i = 0; i <= n; i++) {
                t.add(min + i * step);
            }
            return t;
        }
    }

    Axis xAxis() {
        return Axis.of(series.stream().flatMap(s -> s.points().stream()).mapToDouble(Point::x).min().orElse(0),
                series.stream().flatMap(s -> s.points().stream()).mapToDouble(Point::x).max().orElse(1));
    }

    Axis yAxis() {
        double lo = series.stream().flatMap(s -> s.points().stream()).mapToDouble(Point::y).min().orElse(0);
        double hi = series.stream().flatMap(s -> s.points().stream()).mapToDouble(Point::y).max().orElse(1);
        double pad = (hi - lo) * 0.04;
        return Axis.of(lo - pad, hi + pad);
    }

    /** Pixel x of a data x (for tests and drawing). */
    int px(double x, Axis ax) {
        return (int) Math.round(LEFT + (x - ax.min()) / (ax.max() - ax.min()) * (plotRight() - LEFT));
    }

    /** Pixel y of a data y. */
    int py(double y, Axis ay) {
        return (int) Math.round(plotBottom() - (y - ay.min()) / (ay.max() - ay.min()) * (plotBottom() - TOP));
    }

    public BufferedImage render() {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            Axis ax = xAxis();
            Axis ay = yAxis();
            drawAxes(g, ax, ay);
            // lines without antialiasing, so a plotted point has exactly its series colour
            for (int i = 0; i < series.size(); i++) {
                drawSeries(g, series.get(i), colour(i), ax, ay, i);
            }
            drawLegend(g);
        } finally {
            g.dispose();
        }
        return img;
    }

    private void drawAxes(Graphics2D g, Axis ax, Axis ay) {
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        g.setStroke(new BasicStroke(1));
        for (double t : ax.ticks()) {
            int x = px(t, ax);
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(x, TOP, x, plotBottom());
            g.setColor(Color.DARK_GRAY);
            g.drawLine(x, plotBottom(), x, plotBottom() + 5);
            String s = tick(t, ax.step());
            g.drawString(s, x - fm.stringWidth(s) / 2, plotBottom() + 18);
        }
        for (double t : ay.ticks()) {
            int y = py(t, ay);
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(LEFT, y, plotRight(), y);
            g.setColor(Color.DARK_GRAY);
            g.drawLine(LEFT - 5, y, LEFT, y);
            String s = tick(t, ay.step());
            g.drawString(s, LEFT - 8 - fm.stringWidth(s), y + fm.getAscent() / 2 - 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotRight() - LEFT, plotBottom() - TOP);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        g.drawString(xLabel, (LEFT + plotRight()) / 2 - fm.stringWidth(xLabel) / 2, height - 16);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -((TOP + plotBottom()) / 2 + fm.stringWidth(yLabel) / 2), 20);
        g.setTransform(saved);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        fm = g.getFontMetrics();
        g.drawString(title, (LEFT + plotRight()) / 2 - fm.stringWidth(title) / 2, 26);
    }

    static String tick(double v, double step) {
        int decimals = step >= 1 ? 0 : (int) Math.ceil(-Math.log10(step) - 1e-9);
        return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < step * 1e-6 ? 0.0 : v);
    }

    private void drawSeries(Graphics2D g, Series s, Color c, Axis ax, Axis ay, int index) {
        g.setColor(c);
        List<Point> pts = s.points();
        if (s.connect()) {
            g.setStroke(new BasicStroke(2f));
            for (int i = 1; i < pts.size(); i++) {
                g.drawLine(px(pts.get(i - 1).x(), ax), py(pts.get(i - 1).y(), ay), px(pts.get(i).x(), ax), py(pts.get(i).y(), ay));
            }
        }
        for (Point p : pts) {
            marker(g, index, px(p.x(), ax), py(p.y(), ay));
        }
    }

    /** Marker shape by series index (square, circle, diamond, triangle), so series differ without colour too. */
    private static void marker(Graphics2D g, int index, int x, int y) {
        int r = 4;
        switch (index % 4) {
            case 0 -> g.fillRect(x - r, y - r, 2 * r + 1, 2 * r + 1);
            case 1 -> g.fillOval(x - r - 1, y - r - 1, 2 * r + 3, 2 * r + 3);
            case 2 -> g.fillPolygon(new int[] {x, x + r + 1, x, x - r - 1}, new int[] {y - r - 1, y, y + r + 1, y}, 4);
            default -> g.fillPolygon(new int[] {x, x + r + 1, x - r - 1}, new int[] {y - r - 2, y + r, y + r}, 3);
        }
        // the centre pixel is always the series colour, whatever the shape
        g.fillRect(x - 1, y - 1, 3, 3);
    }

    private void drawLegend(Graphics2D g) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        int x = plotRight() + 16;
        int y = TOP + 6;
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            g.setColor(colour(i));
            if (s.connect()) {
                g.setStroke(new BasicStroke(2f));
                g.drawLine(x, y, x + 22, y);
            }
            marker(g, i, x + 11, y);
            g.setColor(Color.BLACK);
            String label = s.label();
            while (fm.stringWidth(label) > LEGEND_WIDTH - 34 && label.length() > 4) {
                label = label.substring(0, label.length() - 2);
            }
            if (!label.equals(s.label())) {
                label = label + "…";
            }
            g.drawString(label, x + 30, y + fm.getAscent() / 2 - 1);
            y += 20;
        }
    }

    /** Renders and writes the PNG atomically (readers never see half a file). */
    public void write(Path file) throws IOException {
        BufferedImage img = render();
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer available in this JDK");
            }
        });
    }
}
