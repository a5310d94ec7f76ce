package io.hrnet4j.zoo.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import com.sun.net.httpserver.HttpServer;
import io.hrnet4j.testing.SharedData;
import org.deeplearning4j.common.resources.DL4JResources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Download, cache and checksum behaviour against an HTTP server on the loopback interface. */
class PretrainedStoreTest {
    /** sha256 of the oracle tiny_hrnet.pth (also checked here against the file itself). */
    static final String TINY_SHA_PREFIX = "8e6259ff";

    @TempDir
    Path tmp;
    HttpServer server;
    byte[] body;
    String bodySha;
    final AtomicInteger okRequests = new AtomicInteger();
    String base;

    @BeforeEach
    void start() throws IOException {
        body = Files.readAllBytes(SharedData.oracle("tiny_hrnet.pth"));
        bodySha = PretrainedStore.sha256(SharedData.oracle("tiny_hrnet.pth"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok/", ex -> {
            okRequests.incrementAndGet();
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.createContext("/truncated/", ex -> {
            ex.sendResponseHeaders(200, body.length);
            OutputStream out = ex.getResponseBody();
            out.write(body, 0, body.length / 3);
            out.flush();
            // a stalled server: a third of the announced bytes, then silence until the client gives up
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private long partFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".part")).count();
        }
    }

    @Test
    void downloadsVerifiesCachesAndReusesTheFile() throws Exception {
        assertThat(bodySha).hasSize(64).startsWith(TINY_SHA_PREFIX);
        Path cache = tmp.resolve("cache");
        PretrainedStore store = new PretrainedStore(cache);
        Path got = store.resolve(base + "/ok/tiny_hrnet.pth", bodySha.toUpperCase());
        assertThat(got).isEqualTo(cache.resolve("tiny_hrnet.pth"));
        assertThat(Files.readAllBytes(got)).isEqualTo(body);
        assertThat(okRequests).hasValue(1);
        assertThat(partFiles(cache)).isZero();
        assertThat(StateDict.load(got).size()).isEqualTo(296);

        // second call: served from the cache, no request
        assertThat(store.fetch(URI.create(base + "/ok/tiny_hrnet.pth"), bodySha)).isEqualTo(got);
        assertThat(okRequests).hasValue(1);

        // a corrupted cached copy is detected, deleted and downloaded again
        Files.write(got, new byte[] {1, 2, 3});
        assertThat(store.fetch(URI.create(base + "/ok/tiny_hrnet.pth"), bodySha)).isEqualTo(got);
        assertThat(okRequests).hasValue(2);
        assertThat(PretrainedStore.sha256(got)).isEqualTo(bodySha);
    }

    @Test
    void checksumMismatchDeletesTheDownload() throws Exception {
        Path cache = tmp.resolve("cache");
        String wrong = "0".repeat(64);
        assertThatThrownBy(() -> new PretrainedStore(cache).resolve(base + "/ok/w.pth", wrong))
                .isInstanceOfSatisfying(CheckpointFormatException.class, e -> {
                    assertThat(e.reason()).isEqualTo(CheckpointFormatException.Reason.CHECKSUM);
                    assertThat(e.actualSha256()).isEqualTo(bodySha);
                    assertThat(e.expectedSha256()).isEqualTo(wrong);
                })
                .hasMessage(base + "/ok/w.pth: downloaded file has SHA-256 " + bodySha + ", expected " + wrong
                        + "; the corrupt download was deleted");
        assertThat(cache.resolve("w.pth")).doesNotExist();
        assertThat(partFiles(cache)).isZero();
    }

    @Test
    void http404IsReported() throws Exception {
        Path cache = tmp.resolve("cache");
        assertThatThrownBy(() -> new PretrainedStore(cache).resolve(base + "/missing/w.pth", bodySha))
                .isExactlyInstanceOf(IOException.class)
                .hasMessage(base + "/missing/w.pth: HTTP 404 Not Found");
        assertThat(cache.resolve("w.pth")).doesNotExist();
        assertThat(partFiles(cache)).isZero();
    }

    @Test
    void stalledBodyTimesOutAndIsDeleted() throws Exception {
        Path cache = tmp.resolve("cache");
        assertThatThrownBy(() -> new PretrainedStore(cache, 2_000, 500).resolve(base + "/truncated/w.pth", bodySha))
                .isExactlyInstanceOf(IOException.class)
                .hasMessageStartingWith(base + "/truncated/w.pth: download interrupted after " + body.length / 3
                        + " bytes of " + body.length + " (truncated transfer)")
                .hasMessageEndingWith("; the partial file was deleted");
        assertThat(cache.resolve("w.pth")).doesNotExist();
        assertThat(partFiles(cache)).isZero();
    }

    @Test
    void connectionClosedBeforeContentLengthIsReportedAndDeleted() throws Exception {
        // com.sun.net.httpserver keeps a short response's connection open, so this case uses a raw socket that
        // announces the full length, sends a third of the body and closes the connection
        try (ServerSocket raw = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = raw.accept()) {
                    s.getInputStream().read(new byte[4096]);
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(body, 0, body.length / 3);
                    out.flush();
                } catch (IOException ignored) {
                    // the client's failure is what the test checks
                }
            });
            t.start();
            Path cache = tmp.resolve("cache");
            String url = "http://127.0.0.1:" + raw.getLocalPort() + "/w.pth";
            assertThatThrownBy(() -> new PretrainedStore(cache, 2_000, 5_000).resolve(url, bodySha))
                    .isExactlyInstanceOf(IOException.class)
                    .hasMessageStartingWith(url + ": ")
                    .hasMessageContaining(body.length / 3 + " of " + body.length)
                    .hasMessageContaining("truncated");
            t.join(5_000);
            assertThat(cache.resolve("w.pth")).doesNotExist();
            assertThat(partFiles(cache)).isZero();
        }
    }

    @Test
    void localFilesAndBadArguments() throws Exception {
        Path pth = SharedData.oracle("tiny_hrnet.pth");
        PretrainedStore store = new PretrainedStore(tmp);
        assertThat(store.resolve(pth.toString(), bodySha)).isEqualTo(pth);
        assertThat(store.resolve(pth.toUri().toString(), null)).isEqualTo(pth);
        String wrong = "f".repeat(64);
        assertThatThrownBy(() -> store.resolve(pth.toString(), wrong))
                .isInstanceOfSatisfying(CheckpointFormatException.class,
                        e -> assertThat(e.reason()).isEqualTo(CheckpointFormatException.Reason.CHECKSUM))
                .hasMessage(pth + ": SHA-256 " + bodySha + " does not match the expected " + wrong);
        assertThat(pth).exists();
        assertThatThrownBy(() -> store.resolve(tmp.resolve("nope.pth").toString(), null))
                .isInstanceOf(NoSuchFileException.class).hasMessageContaining("nope.pth");
        assertThatThrownBy(() -> store.resolve(base + "/ok/w.pth", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected a SHA-256 checksum of 64 hex digits (or a prefix of at least 8), got null");
        assertThatThrownBy(() -> store.fetch(URI.create(base + "/ok/"), bodySha))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("names no file");
    }

    @Test
    void zooModelStoreUsesTheDl4jResourcesFolder() {
        File expected = DL4JResources.getDirectory(org.deeplearning4j.common.resources.ResourceType.ZOO_MODEL,
                "hrnet_w32_256x192");
        assertThat(PretrainedStore.forZooModel("hrnet_w32_256x192").cacheDirectory())
                .isEqualTo(expected.toPath().toAbsolutePath().normalize());
        assertThat(expected.toPath().toString()).endsWith("hrnet_w32_256x192");
    }
}
