package io.hrnet4j.data.iterator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hrnet4j.data.coco.CocoKeypoints;
import io.hrnet4j.data.io.DataFormatException;
import io.hrnet4j.data.keypoints.LoadedSamples;
import io.hrnet4j.data.keypoints.PoseSample;
import io.hrnet4j.data.transform.TopDownRecipe;
import io.hrnet4j.testing.SharedData;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** The prefetching iterator on the real COCO and MPII samples. */
class PoseIteratorsTest {
    private static LoadedSamples coco;

    @BeforeAll
    static void load() throws Exception {
        Path dir = SharedData.data("coco-sample");
        coco = CocoKeypoints.groundTruth(dir.resolve("test_coco.json"), dir, 192.0 / 256.0);
    }

    @Test
    void iteratorShapesMaskAndMetadata() {
        TopDownSampleProcessor proc = new TopDownSampleProcessor(TopDownRecipe.coco256x192(), false);
        try (PoseDataSetIterator it = PoseDataSetIterator.builder(coco.samples(), proc).batchSize(5).build()) {
            DataSet ds = it.next();
            assertThat(ds.getFeatures().shape()).containsExactly(5, 3, 256, 192);
            assertThat(ds.getLabels().shape()).containsExactly(5, 17, 64, 48);
            assertThat(ds.getLabelsMaskArray().shape()).containsExactly(5, 17, 64, 48);
            INDArray w = PoseDataSetIterator.targetWeights(ds);
            assertThat(w.shape()).containsExactly(5, 17);
            // annotation 442619 has all 17 joints labelled and inside its box: all weights 1, peaks of 1
            assertThat(w.getRow(0).sumNumber().doubleValue()).isEqualTo(17.0);
            assertThat(ds.getLabels().get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)).maxNumber().doubleValue())
                    .isEqualTo(1.0);
            PoseRecordMetaData m = (PoseRecordMetaData) ds.getExampleMetaData().get(0);
            assertThat(m.imageId()).isEqualTo(785);
            assertThat(m.annotationId()).isEqualTo(442619);
            assertThat(m.centerX()).isEqualTo(389.6400146484375);
            assertThat(m.scaleW()).isEqualTo(1.6203750371932983);
            assertThat(m.rotationDeg()).isZero();
            assertThat(m.flipped()).isFalse();
            assertThat(m.score()).isEqualTo(1.0);
            // normalised input lies within [(0 - 0.485) / 0.229, (1 - 0.406) / 0.225]
            assertThat(ds.getFeatures().minNumber().doubleValue()).isGreaterThanOrEqualTo(-0.485 / 0.229 - 1e-5);
            assertThat(ds.getFeatures().maxNumber().doubleValue()).isLessThanOrEqualTo(0.594 / 0.225 + 1e-5);
            int total = 5;
            while (it.hasNext()) {
                total += it.next().numExamples();
            }
            assertThat(total).isEqualTo(12);
        }
    }

    @Test
    void samplesAreIdenticalWithOneOrTwoWorkersAndChangeWithTheEpoch() {
        TopDownSampleProcessor proc = new TopDownSampleProcessor(TopDownRecipe.coco256x192(), true);
        try (PoseDataSetIterator one = PoseDataSetIterator.builder(coco.samples(), proc).batchSize(4).workers(1)
                .seed(42).build();
             PoseDataSetIterator two = PoseDataSetIterator.builder(coco.samples(), proc).batchSize(4).workers(2)
                     .prefetchBatches(3).seed(42).build()) {
            while (one.hasNext()) {
                DataSet a = one.next();
                DataSet b = two.next();
                assertThat(a.getFeatures().equals(b.getFeatures())).isTrue();
                assertThat(a.getLabels().equals(b.getLabels())).isTrue();
                for (int i = 0; i < a.numExamples(); i++) {
                    PoseRecordMetaData ma = (PoseRecordMetaData) a.getExampleMetaData().get(i);
                    PoseRecordMetaData mb = (PoseRecordMetaData) b.getExampleMetaData().get(i);
                    assertThat(ma.index()).isEqualTo(mb.index());
                    assertThat(ma.centerX()).isEqualTo(mb.centerX());
                    assertThat(ma.rotationDeg()).isEqualTo(mb.rotationDeg());
                    assertThat(Math.abs(ma.rotationDeg())).isLessThanOrEqualTo(90);
                }
            }
            assertThat(two.hasNext()).isFalse();
            one.reset();
            DataSet e1 = one.next();
            PoseRecordMetaData m = (PoseRecordMetaData) e1.getExampleMetaData().get(0);
            assertThat(one.epoch()).isEqualTo(1);
            assertThat(m.index()).isBetween(0, 11);
        }
    }

    @Test
    void truncatedJpegFailsWithTheImageAndRecordNamed(@TempDir Path tmp) throws Exception {
        Path src = SharedData.data("coco-sample/000000000785.jpg");
        byte[] bytes = Files.readAllBytes(src);
        Path cut = tmp.resolve("000000000785.jpg");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        PoseSample s = coco.samples().get(0);
        PoseSample broken = new PoseSample(cut, s.imageId(), s.annotationId(), s.joints(), s.box(), 1, 1);
        TopDownSampleProcessor proc = new TopDownSampleProcessor(TopDownRecipe.coco256x192(), false);
        assertThatThrownBy(() -> proc.process(broken, 0, 0, 0))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("000000000785.jpg: record image id=785 annotation id=442619, field 'image': "
                        + "truncated JPEG");
        try (PoseDataSetIterator it = PoseDataSetIterator.builder(List.of(broken), proc).batchSize(1).build()) {
            assertThatThrownBy(it::next).isInstanceOf(UncheckedIOException.class)
                    .hasCauseInstanceOf(DataFormatException.class).hasMessageContaining("truncated JPEG");
        }
        Path garbage = tmp.resolve("garbage.jpg");
        Files.write(garbage, new byte[] {1, 2, 3, 4, 5});
        PoseSample bad = new PoseSample(garbage, 1, 2, s.joints(), s.box(), 1, 1);
        assertThatThrownBy(() -> proc.process(bad, 0, 0, 0)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining("garbage.jpg: record image id=1 annotation id=2, field 'image': unreadable image");
    }

    @Test
    void benchmarkReportsThroughput() {
        PipelineBenchmark.Result r = PipelineBenchmark.run(coco.samples(), TopDownRecipe.coco256x192(), 1, 16, 8);
        assertThat(r.samples()).isEqualTo(16);
        assertThat(r.samplesPerSecond()).isCloseTo(r.samples() / r.seconds(), within(1e-6));
        assertThat(r.samplesPerSecond()).isPositive();
    }
}
