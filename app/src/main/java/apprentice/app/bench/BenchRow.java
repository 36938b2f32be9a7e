package apprentice.app.bench;

/**
 * One line of a benchmark report.
 *
 * @param name what was timed, e.g. "unet step"
 * @param detail input shape or settings, e.g. "batch 2 × 4×64×64"
 * @param wall wall time per iteration
 * @param runtimeShareMedian median share of wall time spent inside ONNX Runtime calls, in [0, 1], or NaN if unknown
 */
public record BenchRow(String name, String detail, Samples wall, double runtimeShareMedian) {

    /** Share of wall time spent outside ONNX Runtime (1 − runtime share), NaN when unknown. */
    public double outsideShareMedian() {
        return Double.isNaN(runtimeShareMedian) ? Double.NaN : 1 - runtimeShareMedian;
    }
}
