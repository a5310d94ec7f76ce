package io.hrnet4j.data.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.io.DataFormatException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticPoseDatasetTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int W = 160;
    private static final int H = 128;

    @TempDir
    static Path shared;
    private static SyntheticPoseDataset dataset;

    private static SyntheticPoseDataset.Builder small() {
        return SyntheticPoseDataset.builder().seed(7).counts(12, 6).imageSize(W, H);
    }

    @BeforeAll
    static void generate() throws IOException {
        dataset = small().generate(shared);
    }

    @Test
    void layoutFollowsTheParameterHash() {
        SyntheticPoseDataset.Parameters p = small().parameters();
        assertThat(dataset.root()).isEqualTo(shared.toAbsolutePath().normalize().resolve("synthetic-" + p.hash()));
        assertThat(p.hash()).hasSize(16).matches("[0-9a-f]{16}");
        assertThat(dataset.train().annotationFile().getFileName()).hasToString("person_keypoints_train.json");
        assertThat(dataset.val().annotationFile().getFileName()).hasToString("person_keypoints_val.json");
        assertThat(dataset.train().imageCount()).isEqualTo(12);
        assertThat(dataset.val().imageCount()).isEqualTo(6);
        assertThat(dataset.root().resolve(SyntheticPoseDataset.MARKER)).isRegularFile();
        assertThat(dataset.root().resolve(SyntheticPoseDataset.INCOMPLETE)).doesNotExist();
    }

    @Test
    void annotationFilesAreValidCocoKeypoints() throws IOException {
        for (SyntheticPoseDataset.Split split : List.of(dataset.train(), dataset.val())) {
            JsonNode root = JSON.readTree(split.annotationFile().toFile());
            JsonNode cat = root.get("categories").get(0);
            assertThat(root.get("categories")).hasSize(1);
            assertThat(cat.get("id").asInt()).isEqualTo(1);
            assertThat(cat.get("name").asText()).isEqualTo("person");
            assertThat(cat.get("keypoints")).hasSize(17);
            assertThat(cat.get("keypoints").get(0).asText()).isEqualTo("nose");
            assertThat(cat.get("keypoints").get(16).asText()).isEqualTo("right_ankle");
            assertThat(cat.get("skeleton")).hasSize(19);
            assertThat(cat.get("skeleton").get(0).get(0).asInt()).isEqualTo(16);

            Map<Long, JsonNode> images = new HashMap<>();
            for (JsonNode im : root.get("images")) {
                images.put(im.get("id").asLong(), im);
                assertThat(im.get("width").asInt()).isEqualTo(W);
                assertThat(im.get("height").asInt()).isEqualTo(H);
                BufferedImage decoded = ImageIO.read(split.imageDir().resolve(im.get("file_name").asText()).toFile());
                assertThat(decoded.getWidth()).isEqualTo(W);
                assertThat(decoded.getHeight()).isEqualTo(H);
            }
            assertThat(images).hasSize(split.imageCount());
            long firstId = split.name().equals("train") ? 1 : SyntheticPoseDataset.VAL_ID_OFFSET + 1;
            assertThat(images).containsKey(firstId);

            Set<Long> annIds = new HashSet<>();
            Map<Long, Integer> perImage = new HashMap<>();
            for (JsonNode a : root.get("annotations")) {
                assertThat(annIds.add(a.get("id").asLong())).as("unique annotation id").isTrue();
                long imageId = a.get("image_id").asLong();
                assertThat(images).containsKey(imageId);
                perImage.merge(imageId, 1, Integer::sum);
                assertThat(a.get("category_id").asInt()).isEqualTo(1);
                assertThat(a.get("iscrowd").asInt()).isZero();
                JsonNode kp = a.get("keypoints");
                assertThat(kp).hasSize(51);
                int labelled = 0;
                for (int j = 0; j < 17; j++) {
                    double x = kp.get(3 * j).asDouble();
                    double y = kp.get(3 * j + 1).asDouble();
                    int v = kp.get(3 * j + 2).asInt();
                    assertThat(v).isBetween(0, 2);
                    if (v == 0) {
                        assertThat(x).isZero();
                        assertThat(y).isZero();
                    } else {
                        labelled++;
                        assertThat(x).isBetween(0.0, W - 1.0);
                        assertThat(y).isBetween(0.0, H - 1.0);
                    }
                }
                assertThat(a.get("num_keypoints").asInt()).isEqualTo(labelled);
                assertThat(labelled).isGreaterThanOrEqualTo(1);
                JsonNode b = a.get("bbox");
                assertThat(b).hasSize(4);
                double bx = b.get(0).asDouble();
                double by = b.get(1).asDouble();
                double bw = b.get(2).asDouble();
                double bh = b.get(3).asDouble();
                assertThat(bx).isGreaterThanOrEqualTo(0);
                assertThat(by).isGreaterThanOrEqualTo(0);
                assertThat(bw).isPositive();
                assertThat(bh).isPositive();
                assertThat(bx + bw).isLessThanOrEqualTo(W);
                assertThat(by + bh).isLessThanOrEqualTo(H);
                JsonNode seg = a.get("segmentation");
                assertThat(seg.get("size").get(0).asInt()).isEqualTo(H);
                assertThat(seg.get("size").get(1).asInt()).isEqualTo(W);
                long total = 0;
                long ones = 0;
                for (int i = 0; i < seg.get("counts").size(); i++) {
                    long run = seg.get("counts").get(i).asLong();
                    total += run;
                    if (i % 2 == 1) {
                        ones += run;
                    }
                }
                assertThat(total).isEqualTo((long) W * H);
                assertThat(a.get("area").asLong()).isEqualTo(ones).isPositive().isLessThanOrEqualTo((long) (bw * bh));
            }
            assertThat(perImage).hasSize(split.imageCount());
            assertThat(perImage.values()).allMatch(n -> n >= 1 && n <= 3);
        }
    }

    @Test
    void valDetectionsAreCocoResultsForTheValImages() throws IOException {
        JsonNode gt = JSON.readTree(dataset.val().annotationFile().toFile());
        Set<Long> valIds = new HashSet<>();
        gt.get("images").forEach(im -> valIds.add(im.get("id").asLong()));
        int withKeypoints = 0;
        for (JsonNode a : gt.get("annotations")) {
            withKeypoints += a.get("num_keypoints").asInt() > 0 ? 1 : 0;
        }
        JsonNode det = JSON.readTree(dataset.valDetections().toFile());
        assertThat(det.isArray()).isTrue();
        assertThat(det).hasSize(withKeypoints);
        for (JsonNode d : det) {
            assertThat(valIds).contains(d.get("image_id").asLong());
            assertThat(d.get("category_id").asInt()).isEqualTo(1);
            assertThat(d.get("score").asDouble()).isEqualTo(1.0);
            JsonNode b = d.get("bbox");
            assertThat(b.get(0).asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(b.get(1).asDouble()).isGreaterThanOrEqualTo(0);
            assertThat(b.get(0).asDouble() + b.get(2).asDouble()).isLessThanOrEqualTo(W + 0.01);
            assertThat(b.get(1).asDouble() + b.get(3).asDouble()).isLessThanOrEqualTo(H + 0.01);
            assertThat(b.get(2).asDouble()).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void sameSeedGivesSameBytesWhateverTheThreadCount(@TempDir Path a, @TempDir Path b) throws IOException {
        SyntheticPoseDataset one = small().threads(1).generateInto(a.resolve("d"));
        SyntheticPoseDataset two = small().threads(3).generateInto(b.resolve("d"));
        Map<String, byte[]> filesOne = contents(one.root());
        Map<String, byte[]> filesTwo = contents(two.root());
        assertThat(filesOne.keySet()).isEqualTo(filesTwo.keySet()).hasSize(12 + 6 + 4);
        for (String name : filesOne.keySet()) {
            assertThat(filesTwo.get(name)).as(name).isEqualTo(filesOne.get(name));
        }
        // and the cache folder of the shared dataset holds the same bytes too
        assertThat(Files.readAllBytes(dataset.train().annotationFile()))
                .isEqualTo(filesOne.get("annotations/person_keypoints_train.json"));
    }

    @Test
    void otherSeedGivesOtherDataAndValIsHeldOut(@TempDir Path a) throws IOException {
        SyntheticPoseDataset other = small().seed(8).generate(a);
        assertThat(other.root().getFileName()).isNotEqualTo(dataset.root().getFileName());
        assertThat(Files.readAllBytes(other.train().imageDir().resolve("000000000001.jpg")))
                .isNotEqualTo(Files.readAllBytes(dataset.train().imageDir().resolve("000000000001.jpg")));
        assertThat(Files.readAllBytes(other.train().annotationFile()))
                .isNotEqualTo(Files.readAllBytes(dataset.train().annotationFile()));
        // val image i is not train image i (a different random stream)
        assertThat(Files.readAllBytes(dataset.val().imageDir().resolve("000001000001.jpg")))
                .isNotEqualTo(Files.readAllBytes(dataset.train().imageDir().resolve("000000000001.jpg")));
    }

    @Test
    void completeCacheIsReusedAndHalfWrittenCacheIsRegenerated(@TempDir Path cache) throws IOException {
        SyntheticPoseDataset.Builder b = SyntheticPoseDataset.builder().seed(3).counts(4, 2).imageSize(W, H);
        SyntheticPoseDataset first = b.generate(cache);
        Path image = first.train().imageDir().resolve("000000000002.jpg");
        byte[] original = Files.readAllBytes(image);
        Path sentinel = first.root().resolve("sentinel.txt");
        Files.writeString(sentinel, "kept only when the cache is reused");

        SyntheticPoseDataset again = b.generate(cache);
        assertThat(again.root()).isEqualTo(first.root());
        assertThat(sentinel).exists();

        // an interrupted generation: no marker, a truncated image
        Files.delete(first.root().resolve(SyntheticPoseDataset.MARKER));
        Files.write(image, new byte[] {1, 2, 3});
        SyntheticPoseDataset regenerated = b.generate(cache);
        assertThat(regenerated.root()).isEqualTo(first.root());
        assertThat(sentinel).doesNotExist();
        assertThat(Files.readAllBytes(image)).isEqualTo(original);
        assertThat(first.root().resolve(SyntheticPoseDataset.MARKER)).isRegularFile();

        // a marker left while the in-progress file is still there is not trusted either
        Files.writeString(first.root().resolve(SyntheticPoseDataset.INCOMPLETE), "x");
        Files.write(image, new byte[] {4});
        b.generate(cache);
        assertThat(Files.readAllBytes(image)).isEqualTo(original);
        assertThat(first.root().resolve(SyntheticPoseDataset.INCOMPLETE)).doesNotExist();
    }

    @Test
    void generateIntoNeverOverwritesForeignFiles(@TempDir Path dir) throws IOException {
        Path mine = dir.resolve("mine");
        Files.createDirectories(mine);
        Path precious = mine.resolve("thesis.tex");
        Files.writeString(precious, "do not delete");
        assertThatThrownBy(() -> small().generateInto(mine))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(mine.toString())
                .hasMessageContaining("is not empty and holds no synthetic dataset");
        assertThat(Files.readString(precious)).isEqualTo("do not delete");

        Path ds = dir.resolve("ds");
        SyntheticPoseDataset.builder().seed(1).counts(2, 1).imageSize(W, H).generateInto(ds);
        assertThatThrownBy(() -> SyntheticPoseDataset.builder().seed(2).counts(2, 1).imageSize(W, H)
                .generateInto(ds))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(ds.toString())
                .hasMessageContaining("other parameters (v=1;seed=1;");
        // the same parameters again: reused
        assertThat(SyntheticPoseDataset.builder().seed(1).counts(2, 1).imageSize(W, H).generateInto(ds).root())
                .isEqualTo(ds.toAbsolutePath().normalize());
    }

    @Test
    void corruptMarkerIsReportedForAForeignFolder(@TempDir Path dir) throws IOException {
        Path ds = dir.resolve("ds");
        Files.createDirectories(ds);
        Files.writeString(ds.resolve(SyntheticPoseDataset.MARKER), "{not json");
        assertThatThrownBy(() -> small().generateInto(ds))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(SyntheticPoseDataset.MARKER + " is not valid JSON");
    }

    @Test
    void parametersOutOfRangeAreNamed() {
        assertThatThrownBy(() -> SyntheticPoseDataset.builder().peoplePerImage(2, 1).parameters())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("synthetic dataset parameter maxPeople must be in minPeople (2)..9, got 1");
        assertThatThrownBy(() -> SyntheticPoseDataset.builder().counts(-1, 10).parameters())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("synthetic dataset parameter trainImages must be in 0..999999, got -1");
        assertThatThrownBy(() -> SyntheticPoseDataset.builder().imageSize(16, 160).parameters())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("synthetic dataset parameter imageWidth must be in 32..4096, got 16");
        assertThatThrownBy(() -> SyntheticPoseDataset.builder().occlusionRate(1.5).parameters())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("synthetic dataset parameter occlusionRate must be in 0..1, got 1.5");
        assertThatThrownBy(() -> SyntheticPoseDataset.builder().threads(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("synthetic dataset threads must be >= 1, got 0");
    }

    @Test
    void canonicalTextNamesEveryParameter() {
        assertThat(SyntheticPoseDataset.builder().parameters().canonical()).isEqualTo(
                "v=1;seed=42;train=2000;val=200;size=192x160;people=1-3;height=0.5-0.95;occlusion=0.3;"
                        + "truncation=0.15;lean=30.0;jpeg=0.9;jitter=0.05");
    }

    @Test
    void rleIsColumnMajorStartingWithZeros() {
        // 3 wide, 2 high, row-major: row0 = 0 1 1, row1 = 0 0 1 -> column-major 0 0 | 1 0 | 1 1
        boolean[] mask = {false, true, true, false, false, true};
        assertThat(CocoJsonWriter.rle(mask, 3, 2)).containsExactly(2, 1, 1, 2);
        assertThat(CocoJsonWriter.rle(new boolean[] {true, true}, 1, 2)).containsExactly(0, 2);
    }

    private static Map<String, byte[]> contents(Path root) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString();
                if (!rel.equals(".lock")) {
                    out.put(rel, Files.readAllBytes(p));
                }
            }
        }
        return out;
    }
}
