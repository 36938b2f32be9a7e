package apprentice.train.nn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

final class FloatBuffers {
    private FloatBuffers() {
    }

    static FloatBuffer wrap(float[] v) {
        FloatBuffer fb = ByteBuffer.allocateDirect(v.length * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
        fb.put(v);
        fb.rewind();
        return fb;
    }
}
