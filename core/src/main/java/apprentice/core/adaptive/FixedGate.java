package apprentice.core.adaptive;

/**
 * Fixed thresholds: keep a draft when its score is ≥ τ; below, the teacher gets it; below τ_low (when given) it is
 * marked for regeneration. τ is usually a calibration percentile ({@link CalibrationFile#gate}).
 */
public final class FixedGate implements Gate {
    private final double tau;
    private final double tauLow;
    private final double k;
    private final String kind;

    /**
     * @param tau the keep threshold
     * @param tauLow the regenerate-below threshold (≤ τ), or NaN for none
     * @param k the teacher share τ stands for (percent; NaN when τ was given directly)
     * @param kind "calibrated" or "fixed"
     */
    public FixedGate(double tau, double tauLow, double k, String kind) {
        if (!Double.isFinite(tau)) {
            throw new IllegalArgumentException("threshold τ is " + tau + ": give a finite score");
        }
        if (!Double.isNaN(tauLow) && tauLow > tau) {
            throw new IllegalArgumentException("the regenerate threshold " + tauLow + " is above the keep threshold " + tau
                    + ": the lower percentile must be below k");
        }
        this.tau = tau;
        this.tauLow = tauLow;
        this.k = k;
        this.kind = kind;
    }

    @Override
    public Decision decide(double score) {
        Verdict v = score >= tau ? Verdict.KEEP : !Double.isNaN(tauLow) && score < tauLow ? Verdict.TEACHER_LOW : Verdict.TEACHER;
        return new Decision(v, tau, tauLow, k);
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public boolean hasLowerThreshold() {
        return !Double.isNaN(tauLow);
    }

    public double tau() {
        return tau;
    }

    public double tauLow() {
        return tauLow;
    }
}
