package io.hrnet4j.data.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hrnet4j.data.keypoints.LoadSummary.SkipReason;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

class EnumNamesTest {
    @Test
    void namesAreReadInAnyCaseWithBlanksAroundThem() {
        assertThat(EnumNames.parse(SkipReason.class, " Empty_Box\t", "skip reason")).isEqualTo(SkipReason.EMPTY_BOX);
        assertThat(EnumNames.parse(SkipReason.class, "bad_image", "skip reason")).isEqualTo(SkipReason.BAD_IMAGE);
        assertThat(EnumNames.id(SkipReason.UNKNOWN_IMAGE)).isEqualTo("unknown_image");
    }

    @Test
    void anUnknownNameIsOneLineListingTheAcceptedNames() {
        assertThatThrownBy(() -> EnumNames.parse(RoundingMode.class, "nearest", "rounding"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown rounding 'nearest': expected up, down, ceiling, floor, half_up, half_down, "
                        + "half_even or unnecessary");
        assertThatThrownBy(() -> EnumNames.parse(SkipReason.class, null, "skip reason"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown skip reason 'null': ");
        assertThatThrownBy(() -> EnumNames.parse(SkipReason.class, "", "skip reason"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown skip reason '': ");
    }

    enum Pair { LEFT, RIGHT }

    enum Single { ONLY }

    @Test
    void theExpectedListReadsAsWords() {
        assertThat(EnumNames.expected(Pair.class)).isEqualTo("left or right");
        assertThat(EnumNames.expected(Single.class)).isEqualTo("only");
    }
}
