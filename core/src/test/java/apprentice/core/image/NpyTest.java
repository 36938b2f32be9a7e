package apprentice.core.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import apprentice.core.noise.TorchGenerator;
import apprentice.core.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyTest {
    @TempDir
    Path dir;

    private static byte[] fixture(String name) throws IOException {
        try (InputStream in = NpyTest.class.getResourceAsStream("/golden/npy/" + name)) {
            return in.readAllBytes();
        }
    }

    private static Tensor read(String name) throws IOException {
        return Npy.fromBytes(fixture(name), name);
    }

    @Test
    void writesExactlyWhatNumpySaveWrites() throws IOException {
        Tensor a23 = new Tensor(new int[] {2, 3}, new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f});
        assertArrayEquals(fixture("f4_2x3.npy"), Npy.toBytes(a23));
        for (String name : new String[] {"f4_latents.npy", "f4_1d.npy", "f4_scalar.npy", "f4_big_first_axis.npy"}) {
            Tensor t = read(name);
            assertArrayEquals(fixture(name), Npy.toBytes(t), name);
        }
    }

    @Test
    void readsShapesAndValues() throws IOException {
        Tensor a = read("f4_2x3.npy");
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(new float[] {-1f, -0.5f, 0f, 0.5f, 1f, 1.5f}, a.data());
        Tensor one = read("f4_1d.npy");
        assertArrayEquals(new int[] {5}, one.shape());
        assertArrayEquals(new float[] {1.5f, -2.25f, 0f, 3e-38f, -7f}, one.data());
        Tensor scalar = read("f4_scalar.npy");
        assertEquals(0, scalar.rank());
        assertEquals(42.5f, scalar.data()[0], 0f);
        assertArrayEquals(new int[] {123456, 0}, read("f4_big_first_axis.npy").shape());
        assertArrayEquals(new int[] {1, 4, 8, 8}, read("f4_latents.npy").shape());
        assertArrayEquals(a.data(), read("v2_2x3.npy").data());
    }

    @Test
    void float64AndFloat16ConvertLikeNumpyAstypeFloat32() throws IOException {
        Tensor f8 = read("f8_3x2.npy");
        Tensor ref8 = read("f8_3x2_as_f4.npy");
        assertArrayEquals(ref8.shape(), f8.shape());
        assertArrayEquals(ref8.data(), f8.data()); // includes 1e300 -> inf, 1e-40 -> subnormal, -0.0
        Tensor f2 = read("f2_10.npy");
        Tensor ref2 = read("f2_10_as_f4.npy");
        assertArrayEquals(ref2.data(), f2.data()); // includes subnormal halves, 65504, +-inf, -0
    }

    @Test
    void rejectsWhatItCannotReadWithTheFix() {
        IllegalArgumentException fortran = assertThrows(IllegalArgumentException.class, () -> read("fortran_2x3.npy"));
        assertTrue(fortran.getMessage().contains("Fortran") && fortran.getMessage().contains("ascontiguousarray"), fortran.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> read("big_endian_2x3.npy"));
        assertTrue(big.getMessage().contains("'>f4'") && big.getMessage().contains("astype('<f4')"), big.getMessage());
        IllegalArgumentException ints = assertThrows(IllegalArgumentException.class, () -> read("int32_2x3.npy"));
        assertTrue(ints.getMessage().contains("'<i4'"), ints.getMessage());
        IllegalArgumentException notNpy = assertThrows(IllegalArgumentException.class,
                () -> Npy.fromBytes("PK\3\4 zip".getBytes(), "x.npz"));
        assertTrue(notNpy.getMessage().contains("not a .npy file"), notNpy.getMessage());
    }

    @Test
    void truncatedDataIsReported() throws IOException {
        byte[] full = fixture("f4_latents.npy");
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Npy.fromBytes(cut, "cut.npy"));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("1024 data bytes"), e.getMessage());
    }

    @Test
    void fileRoundTripKeepsEveryBit() throws IOException {
        Tensor latents = new TorchGenerator(42).randn(2, 4, 16, 16);
        Path file = dir.resolve("latents.npy");
        Npy.write(file, latents);
        Tensor back = Npy.read(file);
        assertArrayEquals(latents.shape(), back.shape());
        assertArrayEquals(latents.data(), back.data());
        assertTrue(Files.size(file) % 64 == (4L * latents.size()) % 64);
    }

    @Test
    void halfConversionCoversSpecialValues() {
        assertEquals(1f, Npy.halfToFloat((short) 0x3C00), 0f);
        assertEquals(-2f, Npy.halfToFloat((short) 0xC000), 0f);
        assertEquals(0x1p-24f, Npy.halfToFloat((short) 0x0001), 0f);
        assertEquals(65504f, Npy.halfToFloat((short) 0x7BFF), 0f);
        assertTrue(Float.isNaN(Npy.halfToFloat((short) 0x7E00)));
        assertEquals(Float.NEGATIVE_INFINITY, Npy.halfToFloat((short) 0xFC00), 0f);
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(Npy.halfToFloat((short) 0x8000)));
    }
}
