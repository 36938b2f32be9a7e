package apprentice.app.evaluate;

import apprentice.core.adaptive.CalibrationFile;
import apprentice.core.adaptive.Percentiles;
import java.util.Objects;
import java.util.function.DoubleUnaryOperator;

/**
 * τ(k) for the gated methods, from calibrations made with the same student settings on another prompt set.
 *
 * @param single τ(k) for one draft per prompt
 * @param bestOf τ(k) for the best-of-n score (null when best-of is not evaluated)
 * @param source how τ was obtained, said in the report
 */
public record Thresholds(DoubleUnaryOperator single, DoubleUnaryOperator bestOf, String source) {
    public Thresholds {
        Objects.requireNonNull(single, "single");
        Objects.requireNonNull(source, "source");
    }

    public static Thresholds of(CalibrationFile single, CalibrationFile bestOf, String source) {
        return new Thresholds(single::tau, bestOf == null ? null : bestOf::tau, source);
    }

    /** τ as the k-th percentile of given scores (numpy's linear rule), e.g. in-sample for editing. */
    public static DoubleUnaryOperator percentilesOf(double[] scores) {
        double[] copy = scores.clone();
        return k -> Percentiles.of(copy, k);
    }
}
