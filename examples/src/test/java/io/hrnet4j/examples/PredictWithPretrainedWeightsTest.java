package io.hrnet4j.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.data.geometry.CenterScale;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Runs the prediction example's {@code main} on real COCO val2017 photos with real detector boxes (the official
 * {@code COCO_val2017_detections_AP_H_56_person.json} entries of the sample) and an official PyTorch checkpoint with
 * its experiment file, as a user would.
 */
class PredictWithPretrainedWeightsTest extends ExampleRunTest {
    @Test
    void predictsEveryDetectedPersonOfAPhotoAndWritesTheDrawingAndTheJson() throws Exception {
        Path image = sample.resolve("000000197388.jpg");
        Path detections = sample.resolve("test_coco_det_AP_H_56.json");
        Path out = tmp.resolve("out");
        runMain(PredictWithPretrainedWeights::main, image, out, "--weights", TinyModel.weights(),
                "--config", TinyModel.writeConfig(tmp), "--detections", detections, "--threshold", 0.9);

        // the boxes of image 197388 scored >= 0.9, read independently from the detections file
        ObjectMapper m = new ObjectMapper();
        List<JsonNode> boxes = new ArrayList<>();
        for (JsonNode d : m.readTree(detections.toFile())) {
            if (d.get("image_id").asLong() == 197388 && d.get("score").asDouble() >= 0.9) {
                boxes.add(d);
            }
        }
        assertThat(boxes).hasSizeGreaterThan(1);

        JsonNode json = m.readTree(out.resolve("000000197388-poses.json").toFile());
        assertThat(json.get("width").asInt()).isEqualTo(640);
        assertThat(json.get("height").asInt()).isEqualTo(392);
        assertThat(json.get("detections").asInt()).isEqualTo(boxes.size());
        assertThat(json.get("detector").asText()).contains("test_coco_det_AP_H_56.json").contains(">= 0.9");
        JsonNode persons = json.get("persons");
        // these people stand apart: OKS-NMS keeps every one, so there is one result per detected person
        assertThat(persons).hasSize(boxes.size());
        double previous = Double.POSITIVE_INFINITY;
        for (JsonNode p : persons) {
            JsonNode kp = p.get("keypoints");
            assertThat(kp).hasSize(3 * 17);
            double[] b = m.treeToValue(p.get("bbox"), double[].class);
            assertThat(boxes).anySatisfy(d -> assertThat(m.convertValue(d.get("bbox"), double[].class))
                    .containsExactly(b));
            // every joint lies in the crop the network saw: the box with the 96/128 aspect and x1.25 padding
            CenterScale crop = CenterScale.fromBox(b[0], b[1], b[2], b[3], 96.0 / 128);
            for (int j = 0; j < 17; j++) {
                assertThat(kp.get(3 * j).asDouble()).isBetween(crop.cx() - crop.sw() * 100 - 1,
                        crop.cx() + crop.sw() * 100 + 1);
                assertThat(kp.get(3 * j + 1).asDouble()).isBetween(crop.cy() - crop.sh() * 100 - 1,
                        crop.cy() + crop.sh() * 100 + 1);
            }
            assertThat(p.get("score").asDouble()).isLessThanOrEqualTo(previous);
            previous = p.get("score").asDouble();
        }
        BufferedImage drawn = ImageIO.read(out.resolve("000000197388-poses.png").toFile());
        assertThat(drawn.getWidth()).isEqualTo(640);
        assertThat(drawn.getHeight()).isEqualTo(392);
    }

    @Test
    void withoutDetectionsTheWholePhotoIsOnePerson() throws Exception {
        Path image = sample.resolve("000000000785.jpg");
        Path out = tmp.resolve("whole");
        runMain(PredictWithPretrainedWeights::main, image, out, "--weights", TinyModel.weights(),
                "--config", TinyModel.writeConfig(tmp));
        JsonNode json = new ObjectMapper().readTree(out.resolve("000000000785-poses.json").toFile());
        assertThat(json.get("detector").asText()).isEqualTo("whole image");
        assertThat(json.get("persons")).hasSize(1);
        JsonNode p = json.get("persons").get(0);
        assertThat(p.get("bbox").toString()).isEqualTo("[0.0,0.0,640.0,425.0]");
        assertThat(p.get("box_score").asDouble()).isEqualTo(1.0);
        assertThat(p.get("keypoints")).hasSize(51);
        assertThat(ImageIO.read(out.resolve("000000000785-poses.png").toFile()).getWidth()).isEqualTo(640);
        // person score = box score (1) x mean keypoint score above 0.2 (official COCODataset.evaluate rescoring)
        double sum = 0;
        int n = 0;
        for (int j = 0; j < 17; j++) {
            double s = p.get("keypoints").get(3 * j + 2).asDouble();
            if (s > 0.2) {
                sum += s;
                n++;
            }
        }
        assertThat(p.get("score").asDouble()).isCloseTo(n == 0 ? 0 : sum / n, within(1e-12));
    }
}
