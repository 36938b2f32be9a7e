package apprentice.core.tokenizer;

import java.util.Arrays;

/**
 * Open-addressing map from a pair of symbol ids to the merge rank, without boxing: the BPE
 * inner loop looks up every adjacent pair of a word on every merge round.
 */
final class PairRankMap {

    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int mask;
    private int size;

    PairRankMap(int expectedSize) {
        int capacity = Integer.highestOneBit(Math.max(4, expectedSize * 2 - 1)) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        Arrays.fill(keys, EMPTY);
        mask = capacity - 1;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** Stores the rank of a pair, replacing an earlier one; returns false if the pair was present. */
    boolean put(int left, int right, int rank) {
        if (size * 2 >= keys.length) {
            throw new IllegalStateException("PairRankMap sized for fewer entries");
        }
        long k = key(left, right);
        int i = slot(k, mask);
        while (keys[i] != EMPTY) {
            if (keys[i] == k) {
                ranks[i] = rank;
                return false;
            }
            i = (i + 1) & mask;
        }
        keys[i] = k;
        ranks[i] = rank;
        size++;
        return true;
    }

    /** The merge rank of (left, right), or -1 if they never merge. */
    int rank(int left, int right) {
        long k = key(left, right);
        int i = slot(k, mask);
        while (keys[i] != EMPTY) {
            if (keys[i] == k) {
                return ranks[i];
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    int size() {
        return size;
    }
}
