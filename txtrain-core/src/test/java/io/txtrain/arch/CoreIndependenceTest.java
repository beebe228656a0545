package io.txtrain.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The recovery core stays free of Spark, Scala, DL4J and ND4J: they live in adapter packages. */
class CoreIndependenceTest {
    @Test
    void coreImportsNoSparkOrDl4j() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.txtrain.core");
        noClasses().that().resideInAPackage("io.txtrain.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.spark..", "scala..",
                        "org.deeplearning4j..", "org.nd4j..", "org.datavec..")
                .check(classes);
    }
}
