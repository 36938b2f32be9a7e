package apprentice.onnx.graph;

import java.util.SplittableRandom;

/** Plain-Java (double precision) reference implementations of the layers, in PyTorch semantics. */
final class Reference {
    private Reference() {
    }

    static float[] random(long seed, int n, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble(-1, 1) * scale);
        }
        return x;
    }

    /** y[r, o] = sum_i x[r, i] w[o, i] + b[o], over rows of a [rows, in] view. */
    static float[] linear(float[] x, int in, float[] w, float[] b, int out) {
        int rows = x.length / in;
        float[] y = new float[rows * out];
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                double s = b == null ? 0 : b[o];
                for (int i = 0; i < in; i++) {
                    s += (double) x[r * in + i] * w[o * in + i];
                }
                y[r * out + o] = (float) s;
            }
        }
        return y;
    }

    /** NCHW conv with weight [out, in, k, k], pads {top, left, bottom, right}. */
    static float[] conv2d(float[] x, int n, int c, int h, int wd, float[] w, float[] b, int out, int k, int stride, int[] pads) {
        int oh = (h + pads[0] + pads[2] - k) / stride + 1;
        int ow = (wd + pads[1] + pads[3] - k) / stride + 1;
        float[] y = new float[n * out * oh * ow];
        for (int bi = 0; bi < n; bi++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double s = b[o];
                        for (int ci = 0; ci < c; ci++) {
                            for (int ki = 0; ki < k; ki++) {
                                int yy = i * stride - pads[0] + ki;
                                if (yy < 0 || yy >= h) {
                                    continue;
                                }
                                for (int kj = 0; kj < k; kj++) {
                                    int xx = j * stride - pads[1] + kj;
                                    if (xx < 0 || xx >= wd) {
                                        continue;
                                    }
                                    s += (double) x[((bi * c + ci) * h + yy) * wd + xx] * w[((o * c + ci) * k + ki) * k + kj];
                                }
                            }
                        }
                        y[((bi * out + o) * oh + i) * ow + j] = (float) s;
                    }
                }
            }
        }
        return y;
    }

    /** torch.nn.GroupNorm on [n, c, spatial]. */
    static float[] groupNorm(float[] x, int n, int c, int spatial, int groups, float[] gamma, float[] beta, double eps) {
        float[] y = new float[x.length];
        int per = c / groups;
        for (int bi = 0; bi < n; bi++) {
            for (int gi = 0; gi < groups; gi++) {
                int start = (bi * c + gi * per) * spatial;
                int len = per * spatial;
                double mean = 0;
                for (int i = 0; i < len; i++) {
                    mean += x[start + i];
                }
                mean /= len;
                double var = 0;
                for (int i = 0; i < len; i++) {
                    double d = x[start + i] - mean;
                    var += d * d;
                }
                var /= len;
                double inv = 1.0 / Math.sqrt(var + eps);
                for (int i = 0; i < len; i++) {
                    int ch = gi * per + i / spatial;
                    y[start + i] = (float) ((x[start + i] - mean) * inv * gamma[ch] + beta[ch]);
                }
            }
        }
        return y;
    }

    /** torch.nn.LayerNorm over the last axis of size dim. */
    static float[] layerNorm(float[] x, int dim, float[] gamma, float[] beta, double eps) {
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / dim; r++) {
            double mean = 0;
            for (int i = 0; i < dim; i++) {
                mean += x[r * dim + i];
            }
            mean /= dim;
            double var = 0;
            for (int i = 0; i < dim; i++) {
                double d = x[r * dim + i] - mean;
                var += d * d;
            }
            var /= dim;
            double inv = 1.0 / Math.sqrt(var + eps);
            for (int i = 0; i < dim; i++) {
                y[r * dim + i] = (float) ((x[r * dim + i] - mean) * inv * gamma[i] + beta[i]);
            }
        }
        return y;
    }

    static double silu(double x) {
        return x / (1 + Math.exp(-x));
    }

    static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf by its Maclaurin series (|x| < 5; error far below float precision), ±1 beyond. */
    static double erf(double x) {
        if (Math.abs(x) >= 5) {
            return Math.signum(x);
        }
        double sum = 0;
        double term = x;
        for (int n = 0; n < 200; n++) {
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                break;
            }
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    /** F.interpolate(scale_factor=2, mode="nearest") on NCHW. */
    static float[] upsample2x(float[] x, int nc, int h, int w) {
        float[] y = new float[nc * 4 * h * w];
        for (int p = 0; p < nc; p++) {
            for (int i = 0; i < 2 * h; i++) {
                for (int j = 0; j < 2 * w; j++) {
                    y[(p * 2 * h + i) * 2 * w + j] = x[(p * h + i / 2) * w + j / 2];
                }
            }
        }
        return y;
    }

    /**
     * Multi-head attention on q [b, l, qd], kv [b, s, kd] with projection weights in PyTorch layout;
     * mask [l, s] additive or null.
     */
    static float[] attention(float[] x, int b, int l, int qd, float[] ctx, int s, int kd, int heads, int hd,
                             float[] wq, float[] bq, float[] wk, float[] bk, float[] wv, float[] bv, float[] wo, float[] bo,
                             float[] mask) {
        int inner = heads * hd;
        float[] q = linear(x, qd, wq, bq, inner);
        float[] k = linear(ctx, kd, wk, bk, inner);
        float[] v = linear(ctx, kd, wv, bv, inner);
        float[] merged = new float[b * l * inner];
        double scale = 1 / Math.sqrt(hd);
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < heads; h++) {
                for (int i = 0; i < l; i++) {
                    double[] sc = new double[s];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < s; j++) {
                        double d = 0;
                        for (int e = 0; e < hd; e++) {
                            d += (double) q[(bi * l + i) * inner + h * hd + e] * k[(bi * s + j) * inner + h * hd + e];
                        }
                        sc[j] = d * scale + (mask == null ? 0 : mask[i * s + j]);
                        max = Math.max(max, sc[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < s; j++) {
                        sc[j] = Math.exp(sc[j] - max);
                        z += sc[j];
                    }
                    for (int e = 0; e < hd; e++) {
                        double acc = 0;
                        for (int j = 0; j < s; j++) {
                            acc += sc[j] / z * v[(bi * s + j) * inner + h * hd + e];
                        }
                        merged[(bi * l + i) * inner + h * hd + e] = (float) acc;
                    }
                }
            }
        }
        return linear(merged, inner, wo, bo, qd);
    }

    /**
     * diffusers get_timestep_embedding in float32 as torch evaluates it: exponent = -ln(max_period)·i
     * (float), / (half - shift) (float), exp, t·freq (float), then sin/cos.
     */
    static float[] timestepEmbedding(float[] t, int dim, boolean flip, float shift, float maxPeriod) {
        int half = dim / 2;
        float[] y = new float[t.length * dim];
        for (int b = 0; b < t.length; b++) {
            for (int i = 0; i < half; i++) {
                float exponent = (float) -Math.log(maxPeriod) * i;
                exponent = exponent / (half - shift);
                float freq = (float) Math.exp(exponent);
                float arg = t[b] * freq;
                float sin = (float) Math.sin(arg);
                float cos = (float) Math.cos(arg);
                y[b * dim + i] = flip ? cos : sin;
                y[b * dim + half + i] = flip ? sin : cos;
            }
        }
        return y;
    }
}
