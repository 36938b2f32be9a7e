/**
 * Adaptive teacher–student generation (Starodubcev et al., "Your Student is Better Than Expected", CVPR 2024), extended.
 *
 * <ul>
 *   <li>{@link apprentice.core.adaptive.StudentSettings} / {@link apprentice.core.adaptive.TeacherSettings}: everything that
 *       changes the drafts' score distribution, and how the teacher improves rejected drafts (strength in diffusers' img2img
 *       convention, {@code int(n/σ + 1)} steps requested; {@link apprentice.core.adaptive.StrengthConvention} converts from the
 *       paper's variance form).</li>
 *   <li>{@link apprentice.core.adaptive.PromptFile}, {@link apprentice.core.adaptive.Calibrator},
 *       {@link apprentice.core.adaptive.CalibrationFile}: τ(k) = k-th percentile of the oracle's scores of student drafts
 *       made with exactly the generation settings; {@code checkCompatible} names any setting that differs.</li>
 *   <li>{@link apprentice.core.adaptive.Gate}: {@link apprentice.core.adaptive.FixedGate} (calibrated or given τ, optional
 *       lower regenerate threshold) and {@link apprentice.core.adaptive.OnlineGate} (k% over a stream, no calibration).</li>
 *   <li>{@link apprentice.core.adaptive.AdaptivePipeline}: best-of-n drafts, oracle, gate, teacher refine / regenerate /
 *       auto, batched, per-image {@link apprentice.core.adaptive.AdaptiveRecord} (route, score, τ, k, seeds, NFE, times)
 *       and {@code replay} from a record; {@link apprentice.core.adaptive.AdaptiveEditor} for text-guided editing with a
 *       PSNR-to-input measure; {@link apprentice.core.adaptive.Budget} for {@code avgNFE = student + k/100 · teacher}.</li>
 * </ul>
 * Evaluation groups {@link apprentice.core.adaptive.AdaptiveRecord}s by route (kept vs refined vs regenerated, with
 * {@code finalScore} when teacher outputs are scored).
 */
package apprentice.core.adaptive;
