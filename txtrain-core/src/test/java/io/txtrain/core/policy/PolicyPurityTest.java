package io.txtrain.core.policy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The policy package is pure: no cluster or ML libraries, no clock reads. */
class PolicyPurityTest {

    private static final JavaClasses POLICY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.txtrain.core.policy");

    @Test
    void dependsOnlyOnTheJdkSlf4jAndTheConfigDeclarations() {
        noClasses().should().dependOnClassesThat()
                .resideOutsideOfPackages("java..", "org.slf4j..", "io.txtrain.core.policy..",
                        "io.txtrain.core.config..")
                .check(POLICY);
    }

    @Test
    void theConfigDeclarationsArePureToo() {
        noClasses().should().dependOnClassesThat()
                .resideOutsideOfPackages("java..", "io.txtrain.core.policy..", "io.txtrain.core.config..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.txtrain.core.config"));
    }

    @Test
    void neverReadsTheClock() {
        noClasses().should().callMethod(System.class, "currentTimeMillis")
                .orShould().callMethod(System.class, "nanoTime")
                .orShould().callMethod(Instant.class, "now")
                .orShould().dependOnClassesThat().areAssignableTo(Clock.class)
                .check(POLICY);
    }
}
