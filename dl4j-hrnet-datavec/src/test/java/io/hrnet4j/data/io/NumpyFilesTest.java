package io.hrnet4j.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hrnet4j.testing.SharedData;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NumpyFilesTest {

    @Test
    void readsTheTinyHrnetStateDictWithItsScalarEntries() throws Exception {
        Map<String, INDArray> sd = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        assertThat(sd).hasSize(296);
        INDArray nbt = sd.get("bn1.num_batches_tracked");
        assertThat(nbt.rank()).isZero();
        assertThat(nbt.dataType()).isEqualTo(DataType.LONG);
        assertThat(sd.get("conv1.weight").shape()).containsExactly(64, 3, 3, 3);
        assertThat(sd.keySet().iterator().next()).isEqualTo("conv1.weight");
    }

    @Test
    void readsFloat64AndUint8Arrays() throws Exception {
        INDArray out = NumpyFiles.readNpy(SharedData.oracle("tiny_output_f64.npy"));
        assertThat(out.dataType()).isEqualTo(DataType.DOUBLE);
        assertThat(out.shape()).containsExactly(2, 17, 32, 24);
        INDArray f32 = NumpyFiles.readNpy(SharedData.oracle("tiny_output.npy"));
        assertThat(f32.dataType()).isEqualTo(DataType.FLOAT);
        // tiny_config.json: float32 output sum 18686.2613, largest float32-vs-float64 difference 5.823e-5
        assertThat(f32.castTo(DataType.DOUBLE).sumNumber().doubleValue()).isCloseTo(18686.2613, within(1e-3));
        double maxDiff = out.sub(f32.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertThat(maxDiff).isCloseTo(5.823251718961586e-05, within(1e-9));
        INDArray warp = NumpyFiles.readNpy(SharedData.oracle("affine_warp_case1.npy"));
        assertThat(warp.shape()).containsExactly(256, 192, 3);
        assertThat(warp.castTo(DataType.LONG).sumNumber().longValue()).isEqualTo(18637344L);
    }

    @Test
    void roundTripsAndReportsTruncation(@TempDir Path dir) throws Exception {
        INDArray a = Nd4j.linspace(1, 24, 24, DataType.FLOAT).reshape(2, 3, 4);
        Path f = dir.resolve("a.npy");
        NumpyFiles.writeNpy(a, f);
        assertThat(NumpyFiles.readNpy(f)).isEqualTo(a);
        byte[] bytes = Files.readAllBytes(f);
        Path cut = dir.resolve("cut.npy");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length - 7));
        assertThatThrownBy(() -> NumpyFiles.readNpy(cut)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("cut.npy").hasMessageContaining("truncated");
        Path foreign = dir.resolve("x.npy");
        Files.writeString(foreign, "hello, this is not a numpy file");
        assertThatThrownBy(() -> NumpyFiles.readNpy(foreign)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("bad magic");
    }

    /** A header edited to claim another shape: overflow, too large, more than the file holds, negative. */
    @Test
    void corruptShapesNameTheFileAndTheShape(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a.npy");
        NumpyFiles.writeNpy(Nd4j.linspace(1, 24, 24, DataType.FLOAT).reshape(2, 3, 4), f);
        String original = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
        String[][] cases = {
            {"(9999999999, 9999999999, 9999)", "has more than 2^63 elements"},
            {"(100000, 100000, 1)", "array too large (10000000000 elements of 4 bytes"},
            {"(2, 3, 5)", "truncated .npy data: the header's shape needs 120 bytes, the file holds 96"},
            {"(2, -3, 4)", "negative dimension in .npy shape (2, -3, 4)"},
            {"(2, x, 4)", "bad shape in .npy header"},
        };
        for (String[] c : cases) {
            // same header length: pad or cut the spaces NumPy adds before the newline
            String edited = original.replace("(2, 3, 4)", c[0]);
            int delta = edited.length() - original.length();
            int nl = edited.indexOf('\n');
            edited = delta > 0 ? edited.substring(0, nl - delta) + edited.substring(nl)
                    : edited.substring(0, nl) + " ".repeat(-delta) + edited.substring(nl);
            Path bad = Files.write(dir.resolve("bad.npy"), edited.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            assertThatThrownBy(() -> NumpyFiles.readNpy(bad)).as(c[0]).isInstanceOf(DataFormatException.class)
                    .isInstanceOf(DataFormatException.class).hasMessageStartingWith(bad + ": ")
                    .hasMessageContaining(c[1]);
        }
        assertThatThrownBy(() -> NumpyFiles.readNpy(dir)).isInstanceOf(DataFormatException.class)
                .hasMessage(dir + ": is a directory, expected a NumPy file");
    }

    private static ByteBuffer le(int... bytes) {
        ByteBuffer bb = ByteBuffer.allocate(bytes.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int b : bytes) {
            bb.put((byte) b);
        }
        return bb.flip();
    }

    @Test
    void decodesEveryElementTypeBitForBit() {
        // binary16 0x3E00 = 1.5, 0xB400 = -0.25, 0x7BFF = 65504 (largest), 0x0001 = 2^-24 (smallest subnormal)
        INDArray half = NumpyFiles.decode(le(0x00, 0x3E, 0x00, 0xB4, 0xFF, 0x7B, 0x01, 0x00), DataType.HALF, 4,
                new long[] {2, 2});
        assertThat(half.dataType()).isEqualTo(DataType.HALF);
        assertThat(half.shape()).containsExactly(2, 2);
        assertThat(half.castTo(DataType.DOUBLE).data().asDouble()).containsExactly(1.5, -0.25, 65504, 0x1p-24);
        // bfloat16 0x3FC0 = 1.5, 0xC2F7 = -123.5
        INDArray bf = NumpyFiles.decode(le(0xC0, 0x3F, 0xF7, 0xC2), DataType.BFLOAT16, 2, new long[] {2});
        assertThat(bf.castTo(DataType.DOUBLE).data().asDouble()).containsExactly(1.5, -123.5);
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.PI).putDouble(-0.0);
        INDArray dbl = NumpyFiles.decode(d.flip(), DataType.DOUBLE, 2, new long[] {2, 1});
        assertThat(Double.doubleToRawLongBits(dbl.getDouble(0, 0))).isEqualTo(Double.doubleToRawLongBits(Math.PI));
        assertThat(Double.doubleToRawLongBits(dbl.getDouble(1, 0))).isEqualTo(Long.MIN_VALUE);
        ByteBuffer f = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(0x7FC00123).putFloat(1e-45f);
        INDArray flt = NumpyFiles.decode(f.flip(), DataType.FLOAT, 2, new long[] {2});
        assertThat(Float.floatToRawIntBits(flt.getFloat(0))).isEqualTo(0x7FC00123); // NaN payload kept
        assertThat(flt.getFloat(1)).isEqualTo(1e-45f);
        INDArray lng = NumpyFiles.decode(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(Long.MIN_VALUE + 7).flip(), DataType.LONG, 1, new long[0]);
        assertThat(lng.rank()).isZero();
        assertThat(lng.getLong(0)).isEqualTo(Long.MIN_VALUE + 7);
        INDArray in = NumpyFiles.decode(le(0xFE, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x40), DataType.INT, 2,
                new long[] {1, 2});
        assertThat(in.data().asInt()).containsExactly(-2, 0x40000000);
        INDArray sh = NumpyFiles.decode(le(0x00, 0x80, 0x34, 0x12), DataType.SHORT, 2, new long[] {2});
        assertThat(sh.data().asInt()).containsExactly(-32768, 0x1234);
        assertThat(NumpyFiles.decode(le(0x80, 0x7F), DataType.BYTE, 2, new long[] {2}).data().asInt())
                .containsExactly(-128, 127);
        INDArray ub = NumpyFiles.decode(le(0xFF, 0x00, 0x80), DataType.UBYTE, 3, new long[] {3});
        assertThat(ub.dataType()).isEqualTo(DataType.UBYTE);
        assertThat(ub.castTo(DataType.INT).data().asInt()).containsExactly(255, 0, 128);
        INDArray bool = NumpyFiles.decode(le(0x01, 0x00, 0x02), DataType.BOOL, 3, new long[] {3});
        assertThat(bool.dataType()).isEqualTo(DataType.BOOL);
        assertThat(bool.castTo(DataType.INT).data().asInt()).containsExactly(1, 0, 1);
        INDArray empty = NumpyFiles.decode(ByteBuffer.allocate(0), DataType.FLOAT, 0, new long[] {0, 3});
        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.shape()).containsExactly(0, 3);
        assertThatThrownBy(() -> NumpyFiles.decode(le(0, 0, 0, 0), DataType.UINT32, 1, new long[] {1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("no decoder for UINT32");
    }
}
