package apprentice.train.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Deterministic train/validation split: an emoji is held out when the SHA-256 of its base code
 * points falls in the first {@code percent} of 100 buckets. Hashing the base (not the vendor's file)
 * keeps both vendors and all skin tones of one emoji on the same side, so validation measures
 * generalisation to unseen emoji rather than to another rendering of a seen one.
 */
public final class HoldOutSplit {
    private final int percent;

    public HoldOutSplit(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("validation percent must be in 0..100, got " + percent);
        }
        this.percent = percent;
    }

    public boolean isValidation(String baseUnified) {
        return bucket(baseUnified) < percent;
    }

    static int bucket(String key) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            long v = ((h[0] & 0xFFL) << 24) | ((h[1] & 0xFFL) << 16) | ((h[2] & 0xFFL) << 8) | (h[3] & 0xFFL);
            return (int) (v % 100);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
