package apprentice.app.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {
    @TempDir
    Path dir;

    private static Chart twoSeries() {
        return new Chart("quality vs cost", "NFE", "score")
                .add(new Chart.Series("student", List.of(new Chart.Point(1, 10), new Chart.Point(2, 12), new Chart.Point(4, 11)), true))
                .add(new Chart.Series("teacher", List.of(new Chart.Point(10, 20), new Chart.Point(50, 25)), false));
    }

    @Test
    void thePixelAtAPlottedPointHasItsSeriesColour() {
        Chart c = twoSeries();
        BufferedImage img = c.render();
        Chart.Axis ax = c.xAxis();
        Chart.Axis ay = c.yAxis();
        for (double[] p : new double[][] {{1, 10}, {2, 12}, {4, 11}}) {
            assertEquals(Chart.colour(0).getRGB(), img.getRGB(c.px(p[0], ax), c.py(p[1], ay)), "student point " + p[0]);
        }
        for (double[] p : new double[][] {{10, 20}, {50, 25}}) {
            assertEquals(Chart.colour(1).getRGB(), img.getRGB(c.px(p[0], ax), c.py(p[1], ay)), "teacher point " + p[0]);
        }
        // a point no series passes through stays background
        assertNotEquals(Chart.colour(0).getRGB(), img.getRGB(c.px(30, ax), c.py(11, ay)));
    }

    @Test
    void axesCoverTheDataWithNiceTicks() {
        Chart c = twoSeries();
        Chart.Axis ax = c.xAxis();
        assertTrue(ax.min() <= 1 && ax.max() >= 50, ax.toString());
        assertEquals(10.0, ax.step(), "range 1..50 in about six ticks: steps of 10");
        assertEquals(List.of(0.0, 10.0, 20.0, 30.0, 40.0, 50.0), ax.ticks());
        assertEquals(0.2, Chart.Axis.niceStep(0.17), 1e-12);
        assertEquals(5.0, Chart.Axis.niceStep(3.1), 1e-12);
        assertEquals("0.5", Chart.tick(0.5, 0.1));
        assertEquals("20", Chart.tick(20, 5));
    }

    @Test
    void nonFinitePointsAreLeftOutAndEmptySeriesDropped() {
        Chart c = new Chart("t", "x", "y").add(new Chart.Series("nan", List.of(new Chart.Point(1, Double.NaN)), false))
                .add(new Chart.Series("ok", List.of(new Chart.Point(1, 2), new Chart.Point(Double.NaN, 3)), false));
        assertEquals(1, c.series().size());
        assertEquals(1, c.series().get(0).points().size());
        c.render(); // a single point still gets a non-degenerate axis
    }

    @Test
    void writesAReadablePngWithNoTemporaryFileLeft() throws Exception {
        Path png = dir.resolve("chart.png");
        twoSeries().write(png);
        BufferedImage back = ImageIO.read(png.toFile());
        assertEquals(960, back.getWidth());
        assertEquals(600, back.getHeight());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(png), s.toList());
        }
    }

    @Test
    void tooSmallASizeIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Chart("t", "x", "y").size(10, 10));
        assertTrue(e.getMessage().contains("too small"), e.getMessage());
    }
}
