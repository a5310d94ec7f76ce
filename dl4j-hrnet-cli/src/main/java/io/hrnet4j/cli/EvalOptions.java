package io.hrnet4j.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The evaluation options every command that scores a network shares ({@code eval}, validation in {@code train}, the
 * AP/PCKh score of {@code search}): the test-time options of {@link TestTimeOptions} ({@code --[no-]flip-test},
 * {@code --[no-]dark}) and {@code --mpii-gt FILE}, the MPII ground truth with head boxes (official
 * {@code annot/gt_valid.mat} or its JSON) that PCKh needs; the earlier names {@code --val-gt} (train) and
 * {@code --pckh-gt} (eval) are accepted as hidden aliases.
 */
public final class EvalOptions extends TestTimeOptions {
    private Path mpiiGt;

    /**
     * @param file MPII ground truth with head boxes
     */
    @Option(names = "--mpii-gt", paramLabel = "FILE",
            description = "MPII: official gt_valid.mat (or its JSON) with the head boxes PCKh needs.")
    void mpiiGt(Path file) {
        this.mpiiGt = file;
    }

    /**
     * The earlier names of {@code --mpii-gt}, kept so existing scripts run.
     *
     * @param file MPII ground truth with head boxes
     */
    @Option(names = {"--val-gt", "--pckh-gt"}, paramLabel = "FILE", hidden = true)
    void mpiiGtAlias(Path file) {
        this.mpiiGt = file;
    }

    /** @return the MPII ground truth with head boxes, or null */
    public Path mpiiGt() {
        return mpiiGt;
    }
}
