# Regenerates the .npy fixtures in this directory (run from here: python3 generate.py).
import numpy as np

a23 = (np.arange(6, dtype='<f4').reshape(2, 3) * np.float32(0.5) - np.float32(1))
np.save('f4_2x3.npy', a23)
np.save('f4_latents.npy', np.random.default_rng(0).standard_normal((1, 4, 8, 8)).astype('<f4'))
np.save('f4_1d.npy', np.array([1.5, -2.25, 0.0, 3e-38, -7.0], dtype='<f4'))
np.save('f4_scalar.npy', np.array(42.5, dtype='<f4'))
np.save('f4_big_first_axis.npy', np.zeros((123456, 0), dtype='<f4'))
f8 = np.array([[0.1, 1 / 3], [-2.5, 1e-40], [1e300, -0.0]], dtype='<f8')
np.save('f8_3x2.npy', f8)
with np.errstate(over='ignore'):
    np.save('f8_3x2_as_f4.npy', f8.astype('<f4'))
f2 = np.array([0.0, -0.0, 1.0, -2.5, 65504.0, 6.1e-5, 6e-8, np.inf, -np.inf, 0.333], dtype='<f2')
np.save('f2_10.npy', f2)
np.save('f2_10_as_f4.npy', f2.astype('<f4'))
np.save('fortran_2x3.npy', np.asfortranarray(a23))
with open('v2_2x3.npy', 'wb') as f:
    np.lib.format.write_array(f, a23, version=(2, 0))
np.save('big_endian_2x3.npy', a23.astype('>f4'))
np.save('int32_2x3.npy', np.arange(6, dtype='<i4').reshape(2, 3))
