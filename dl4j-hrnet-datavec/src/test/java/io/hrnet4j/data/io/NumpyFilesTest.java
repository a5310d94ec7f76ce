package io.hrnet4j.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hrnet4j.testing.SharedData;
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
}
