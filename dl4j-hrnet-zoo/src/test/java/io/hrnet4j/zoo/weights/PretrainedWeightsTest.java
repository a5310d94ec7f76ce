package io.hrnet4j.zoo.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import io.hrnet4j.zoo.DEHRNet;
import io.hrnet4j.zoo.HRNet;
import io.hrnet4j.zoo.arch.Complexity;
import io.hrnet4j.zoo.arch.HRNetConfig;
import io.hrnet4j.zoo.arch.Presets;
import io.hrnet4j.zoo.graph.GraphWeights;
import org.deeplearning4j.common.resources.DL4JResources;
import org.deeplearning4j.common.resources.ResourceType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.zoo.PretrainedType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code HRNet.initPretrained(PosePretrainedType.COCO)} end to end against an HTTP server on 127.0.0.1 serving a
 * generated HRNet-W32 256x192 checkpoint in LibreYOLO's metadata wrap (the layout of the registry's W32 file): the
 * registry entry is pointed at the server with the {@code hrnet4j.pretrained.w32_256x192_coco.*} properties, the DL4J
 * resources folder at a temporary folder.
 */
class PretrainedWeightsTest {
    private static final String URL_PROP = PretrainedWeights.OVERRIDE_PREFIX + "w32_256x192_coco.url";
    private static final String SHA_PROP = PretrainedWeights.OVERRIDE_PREFIX + "w32_256x192_coco.sha256";

    @TempDir
    Path tmp;
    HttpServer server;

    @AfterEach
    void restore() {
        System.clearProperty(URL_PROP);
        System.clearProperty(SHA_PROP);
        DL4JResources.resetBaseDirectoryLocation();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void theRegistryHasOneEntryPerPresetWithAVerifiableChecksum() {
        // every official-architecture preset has published weights; the embedded default's small model has none
        assertThat(PretrainedWeights.values()).hasSize((int) Presets.list().stream()
                .filter(p -> p.family() == Presets.Family.STANDARD).count());
        assertThat(PretrainedWeights.find(Presets.get(Presets.EMBEDDED), PosePretrainedType.COCO)).isEmpty();
        for (PretrainedWeights w : PretrainedWeights.values()) {
            HRNetConfig cfg = Presets.get(w.preset());
            assertThat(PretrainedWeights.find(cfg, w.type())).contains(w);
            assertThat(w.type()).isEqualTo(cfg.numJoints() == 16 ? PosePretrainedType.MPII : PosePretrainedType.COCO);
            assertThat(w.checksum()).matches(w.fullChecksum() ? "[0-9a-f]{64}" : "[0-9a-f]{8}");
            if (!w.fullChecksum()) {
                // mmpose names its files <name>-<first 8 hex digits of the SHA-256>_<date>.pth
                assertThat(w.url()).startsWith("https://download.openmmlab.com/mmpose/").contains("-" + w.checksum() + "_");
            }
        }
        HRNet w32 = new HRNet.Builder().build();
        assertThat(w32.pretrainedAvailable(PosePretrainedType.COCO)).isTrue();
        assertThat(w32.pretrainedAvailable(PosePretrainedType.MPII)).isFalse();
        assertThat(w32.pretrainedChecksum(PosePretrainedType.COCO))
                .isEqualTo("c9d8eb383e63ce795f87a3ee2f2b0c8aa0df9bae981573ec4b3909d63815a825");
        assertThat(w32.pretrainedUrl(PosePretrainedType.COCO)).startsWith("https://huggingface.co/LibreYOLO/");
        assertThat(w32.pretrainedAvailable(PretrainedType.IMAGENET)).isFalse();
        HRNet mpii = new HRNet.Builder().config(Presets.get("w48_256x256_mpii")).build();
        assertThat(mpii.pretrainedChecksum(PosePretrainedType.MPII)).isEqualTo("92cab7bd");
        assertThat(mpii.pretrainedUrl(PosePretrainedType.MPII)).isEqualTo("https://download.openmmlab.com/mmpose/"
                + "top_down/hrnet/hrnet_w48_mpii_256x256-92cab7bd_20200812.pth");
        assertThat(new DEHRNet.Builder().build().pretrainedAvailable(PosePretrainedType.COCO)).isFalse();
        assertThatThrownBy(() -> new DEHRNet.Builder().build().initPretrained(PosePretrainedType.COCO))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageStartingWith("no published COCO weights for DE-HRNet-W32 (17 joints, input 256x192);"
                        + " published: [w32_256x192_coco, w32_384x288_coco,");
        assertThatThrownBy(() -> w32.initPretrained(PretrainedType.IMAGENET))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("use initPretrained(PosePretrainedType.COCO)");
    }

    @Test
    void initPretrainedCocoDownloadsVerifiesCachesAndRejectsACorruptCopy() throws Exception {
        HRNetConfig cfg = Presets.get("w32_256x192");
        Map<String, INDArray> weights = new LinkedHashMap<>();
        Nd4j.getRandom().setSeed(7);
        for (Map.Entry<String, long[]> e : Complexity.of(cfg).stateDictShapes().entrySet()) {
            weights.put(e.getKey(), e.getValue().length == 0 ? Nd4j.scalar(DataType.LONG, 0L)
                    : Nd4j.rand(DataType.FLOAT, e.getValue()));
        }
        Map<Object, Object> wrapped = new LinkedHashMap<>();
        wrapped.put("model", TorchSaveWriter.stateDict(weights, "", false));
        wrapped.put("schema_version", "1.0");
        wrapped.put("model_family", "hrnet");
        wrapped.put("size", "w32");
        wrapped.put("names", Map.of(0, "person"));
        wrapped.put("imgsz", 256);
        Path file = tmp.resolve("LibreHRNetw32-pose.pt");
        TorchSaveWriter.writeZip(wrapped, file);
        byte[] good = Files.readAllBytes(file);
        byte[] corrupt = good.clone();
        corrupt[corrupt.length / 2] ^= 0x5A;
        String sha = PretrainedStore.sha256(file);
        AtomicInteger requests = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/good/", ex -> send(ex, good, requests));
        server.createContext("/corrupt/", ex -> send(ex, corrupt, requests));
        server.start();
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        DL4JResources.setBaseDirectory(Files.createDirectories(tmp.resolve("dl4j")).toFile());

        HRNet zoo = new HRNet.Builder().build();
        Path cacheDir = DL4JResources.getDirectory(ResourceType.ZOO_MODEL, zoo.modelName()).toPath();
        assertThat(cacheDir).startsWith(tmp.resolve("dl4j"));

        // a corrupted copy is rejected and deleted
        System.setProperty(URL_PROP, base + "/corrupt/LibreHRNetw32-pose.pt");
        System.setProperty(SHA_PROP, sha);
        assertThatThrownBy(() -> zoo.initPretrained(PosePretrainedType.COCO))
.isInstanceOfSatisfying(CheckpointFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo(CheckpointFormatException.Reason.CHECKSUM))
                .hasMessageStartingWith(base + "/corrupt/LibreHRNetw32-pose.pt: downloaded file has SHA-256 ")
                .hasMessageEndingWith(", expected " + sha + "; the corrupt download was deleted");
        assertThat(list(cacheDir)).isEmpty();

        // the good file is accepted, loaded exactly, and served from the cache afterwards
        System.setProperty(URL_PROP, base + "/good/LibreHRNetw32-pose.pt");
        ComputationGraph g = zoo.initPretrained(PosePretrainedType.COCO);
        assertThat(list(cacheDir)).containsExactly("LibreHRNetw32-pose.pt");
        assertThat(requests).hasValue(2);
        Map<String, INDArray> back = GraphWeights.stateDict(cfg, g);
        for (String k : new String[] {"conv1.weight", "stage4.2.fuse_layers.0.3.0.1.running_var", "final_layer.bias"}) {
            assertThat(back.get(k)).as(k).isEqualTo(weights.get(k));
        }

        // served from the cache afterwards; a prefix checksum (mmpose file names) is accepted as such
        System.setProperty(SHA_PROP, sha.substring(0, 8));
        assertThat(zoo.pretrainedChecksum(PosePretrainedType.COCO)).isEqualTo(sha.substring(0, 8));
        assertThat(PretrainedStore.forZooModel(zoo.modelName()).fetch(java.net.URI.create(
                zoo.pretrainedUrl(PosePretrainedType.COCO)), zoo.pretrainedChecksum(PosePretrainedType.COCO)))
                .isEqualTo(cacheDir.resolve("LibreHRNetw32-pose.pt"));
        assertThat(requests).hasValue(2);
        System.setProperty(SHA_PROP, "00000000");
        System.setProperty(URL_PROP, base + "/corrupt/other.pth");
        assertThatThrownBy(() -> zoo.initPretrained(PosePretrainedType.COCO))
.isInstanceOfSatisfying(CheckpointFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo(CheckpointFormatException.Reason.CHECKSUM))
                .hasMessageContaining(", expected a SHA-256 starting with 00000000; the corrupt download was deleted");
        assertThat(list(cacheDir)).containsExactly("LibreHRNetw32-pose.pt");
    }

    private static void send(com.sun.net.httpserver.HttpExchange ex, byte[] body, AtomicInteger requests)
            throws java.io.IOException {
        requests.incrementAndGet();
        ex.sendResponseHeaders(200, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static java.util.List<String> list(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
