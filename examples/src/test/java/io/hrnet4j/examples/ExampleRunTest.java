package io.hrnet4j.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.io.TempDir;

/**
 * The set-up the tests of the example programs share: a fresh temporary folder for the example's outputs, the real
 * COCO sample of {@code ../shared/data} ({@link TinyModel#cocoSample()}: 4 val2017 images, their annotations and real
 * detector boxes), and the example's {@code main} run as a user runs it, with what it prints captured.
 */
abstract class ExampleRunTest {
    /** A fresh folder for the example's outputs (one per test). */
    @TempDir
    Path tmp;

    /** The COCO sample folder. */
    final Path sample = TinyModel.cocoSample();

    /** The COCO sample's annotations ({@code person_keypoints} layout, 4 images). */
    final Path annotations = sample.resolve("test_coco.json");

    /** The {@code main} method of an example program. */
    @FunctionalInterface
    interface Main {
        /**
         * @param args the command line
         * @throws Exception whatever the example throws
         */
        void run(String[] args) throws Exception;
    }

    /**
     * Runs an example's {@code main} as a user runs it, with its standard output captured; what it printed is echoed
     * to the real standard output (also when it fails), for the test log.
     *
     * @param main the example's {@code main}, e.g. {@code TrainOnCoco::main}
     * @param args the command line; each argument is passed as its {@code toString()} (paths, numbers, options)
     * @return what the example printed on standard output (UTF-8)
     * @throws Exception whatever the example throws
     */
    static String runMain(Main main, Object... args) throws Exception {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            main.run(Arrays.stream(args).map(Object::toString).toArray(String[]::new));
        } finally {
            System.setOut(stdout);
            System.out.print(printed.toString(StandardCharsets.UTF_8));
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
