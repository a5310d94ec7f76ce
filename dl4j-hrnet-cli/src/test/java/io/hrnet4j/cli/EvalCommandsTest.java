package io.hrnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hrnet4j.testing.SharedData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval-coco and eval-mpii through HrnetCli.commandLine(), against the shared oracle values. */
class EvalCommandsTest {
    private final CliRun cli = new CliRun();

    @Test
    void evalCocoPrintsThePycocotoolsTable() throws Exception {
        int rc = cli.run("eval-coco", "--gt", SharedData.oracle("coco_gt.json").toString(),
                "--results", SharedData.oracle("coco_dt.json").toString());
        assertThat(rc).as(cli.err()).isEqualTo(0);
        JsonNode ref = new ObjectMapper().readTree(SharedData.oracle("coco_stats.json").toFile()).get("summarize_output");
        String[] lines = cli.out().split("\n");
        assertThat(lines).hasSize(10);
        for (int i = 0; i < 10; i++) {
            assertThat(lines[i]).isEqualTo(ref.get(i + 1).asText());
        }
    }

    @Test
    void evalCocoJsonHasTheTenKeys() throws Exception {
        int rc = cli.run("eval-coco", "--gt", SharedData.oracle("coco_gt.json").toString(),
                "--results", SharedData.oracle("coco_dt.json").toString(), "--json");
        assertThat(rc).as(cli.err()).isEqualTo(0);
        JsonNode j = new ObjectMapper().readTree(cli.out());
        assertThat(j.fieldNames()).toIterable()
                .containsExactly("AP", "AP50", "AP75", "APm", "APl", "AR", "AR50", "AR75", "ARm", "ARl");
        assertThat(j.get("AP").asDouble()).isCloseTo(0.5072049174657164, within(1e-9));
        assertThat(j.get("ARl").asDouble()).isCloseTo(0.5866666666666667, within(1e-9));
    }

    @Test
    void evalCocoReportsBadResultsOnStderr(@TempDir Path tmp) throws Exception {
        Path bad = Files.writeString(tmp.resolve("r.json"),
                "[{\"image_id\": 5, \"category_id\": 1, \"score\": 0.5, \"keypoints\": [" + "1,".repeat(50) + "1]}]");
        int rc = cli.run("eval-coco", "--gt", SharedData.oracle("coco_gt.json").toString(), "--results", bad.toString());
        assertThat(rc).isEqualTo(1);
        assertThat(cli.err()).startsWith("hrnet eval-coco: error: " + bad + ": record results[0], field "
                + "'image_id': image 5 is not in the ground truth");
    }

    /** Runs eval-mpii on the oracle sample; {@code --pred} is the earlier name of {@code --results}. */
    private String evalMpii(String resultsOption, String... more) {
        List<String> args = new ArrayList<>(List.of("eval-mpii", "--gt", SharedData.oracle("mpii_gt.json").toString(),
                resultsOption, SharedData.oracle("mpii_pred.json").toString()));
        args.addAll(List.of(more));
        assertThat(cli.run(args.toArray(new String[0]))).as(cli.err()).isEqualTo(0);
        return cli.out();
    }

    @Test
    void evalMpiiJsonGivesTheOfficialValues() throws Exception {
        JsonNode j = new ObjectMapper().readTree(evalMpii("--results", "--json"));
        assertThat(new ObjectMapper().readTree(evalMpii("--pred", "--json"))).isEqualTo(j);
        JsonNode ref = new ObjectMapper().readTree(SharedData.oracle("mpii_pckh.json").toFile()).get("official_evaluate");
        ref.fields().forEachRemaining(e -> assertThat(j.get(e.getKey()).asDouble()).as(e.getKey())
                .isCloseTo(e.getValue().asDouble(), within(1e-9)));
        assertThat(j.get("Mean@0.1(true)").asDouble()).isLessThan(j.get("Mean@0.1").asDouble());
    }

    @Test
    void evalMpiiTable() {
        String[] lines = evalMpii("--results").split("\n");
        assertThat(lines[0]).startsWith("| Head   | Shoulder | Elbow  | Wrist  |");
        assertThat(lines[2]).startsWith("| 95.833 | 95.788   | 89.583 | 68.042 | 87.670 | 83.534 | 77.864 | 86.677 | 22.793 ");
    }
}
