package io.hrnet4j.zoo.samediff;

import static org.assertj.core.api.Assertions.assertThat;

import io.hrnet4j.data.io.NumpyFiles;
import io.hrnet4j.testing.SharedData;
import io.hrnet4j.zoo.arch.DeHrnetOptions;
import io.hrnet4j.zoo.arch.TinyConfigs;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

class FoldedInferenceTest {

    @Test
    void foldedGraphReproducesTheOfficialOutput() throws Exception {
        Map<String, INDArray> weights = NumpyFiles.readNpz(SharedData.oracle("tiny_hrnet.npz"));
        FoldedInference f = FoldedInference.of(TinyConfigs.tiny(), weights);
        INDArray out = f.output(NumpyFiles.readNpy(SharedData.oracle("tiny_input.npy")));
        INDArray expected = NumpyFiles.readNpy(SharedData.oracle("tiny_output.npy"));
        assertThat(out.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(2e-4);
        // no BN op is left
        assertThat(f.sameDiff().getOps().values().stream()
                .filter(o -> o.getOp().opName().contains("batchnorm")).count()).isZero();
    }

    @Test
    void foldedDeHrnetEqualsItsUnfoldedInferencePath() {
        var cfg = TinyConfigs.tiny().withDeHrnet(DeHrnetOptions.defaults());
        SameDiffHRNet m = SameDiffHRNet.create(cfg, 9, new Adam(1e-3));
        Map<String, INDArray> sd = m.stateDict();
        sd.replaceAll((k, v) -> k.endsWith("running_var") ? v.add(0.3) : k.endsWith("running_mean") ? v.add(0.1) : v);
        m.loadStateDict(sd);
        Nd4j.getRandom().setSeed(1);
        INDArray x = Nd4j.randn(DataType.FLOAT, 2, 3, 128, 96);
        INDArray a = m.output(x);
        INDArray b = FoldedInference.of(cfg, sd).output(x);
        assertThat(a.sub(b).amaxNumber().doubleValue()).isLessThan(1e-4 * Math.max(1e-3, a.stdNumber().doubleValue()));
    }

    @Test
    void bnNamesFollowTheOfficialModuleNames() {
        assertThat(FoldedInference.bnAfter("conv1")).isEqualTo("bn1");
        assertThat(FoldedInference.bnAfter("layer1.0.conv3")).isEqualTo("layer1.0.bn3");
        assertThat(FoldedInference.bnAfter("layer1.0.downsample.0")).isEqualTo("layer1.0.downsample.1");
        assertThat(FoldedInference.bnAfter("stage3.0.fuse_layers.2.0.1.0")).isEqualTo("stage3.0.fuse_layers.2.0.1.1");
        assertThat(FoldedInference.bnAfter("final_layer")).isNull();
    }
}
