package apprentice.train.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

public final class FloatBuffers {
    private FloatBuffers() {
    }

    /**
     * Overwrites dst's values in place. Not NDArray.set(Buffer): on DJL 0.36's PyTorch engine that
     * points the tensor at the buffer's memory without keeping the buffer alive, so after a garbage
     * collection the tensor reads freed memory (NaN/garbage). Here the values are copied by an
     * in-place add into dst's own storage.
     */
    public static void copyInto(ai.djl.ndarray.NDArray dst, float[] values) {
        try (ai.djl.ndarray.NDArray src = dst.getManager().create(values, dst.getShape())) {
            dst.muli(0f).addi(src);
        }
    }

    static FloatBuffer wrap(float[] v) {
        FloatBuffer fb = ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        fb.put(v);
        fb.rewind();
        return fb;
    }
}
