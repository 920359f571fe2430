package dev.cube.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The module edges Cube keeps, checked on the compiled classes of every module: the contract and the
 * decision core know no client, framework or engine; the HTTP layer knows no Streams type (reads are
 * routed to the instance that holds them below the read ports); the internal API between managers never
 * forwards; the worker's supervisor and its output shipping know no Kafka.
 */
class ArchitectureTest {

    static JavaClasses cube;

    @BeforeAll
    static void importCube() {
        cube = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("dev.cube");
    }

    @Test
    void theCoreImportsNoKafkaClientStreamsMicronautOrDockerJava() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.cube.core..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka..", "io.micronaut..", "com.github.dockerjava..", "jakarta.inject..");

        rule.check(cube);
    }

    @Test
    void theContractUsesOnlyKafkasSerdeInterfacesAndNothingElseOfAClientFrameworkOrEngine() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.cube.events..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "org.apache.kafka.clients..", "org.apache.kafka.streams..", "io.micronaut..", "com.github.dockerjava..");

        rule.check(cube);
    }

    @Test
    void theCoreAndTheContractDependOnNoAdapter() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.cube.core..", "dev.cube.events..")
                .should().dependOnClassesThat().resideInAnyPackage(
                        "dev.cube.manager..", "dev.cube.worker..", "dev.cube.cli..", "dev.cube.kafka..", "dev.cube.infra..");

        rule.check(cube);
    }

    @Test
    void theHttpLayerImportsNoStreamsType() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.cube.manager.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.streams..");

        rule.check(cube);
    }

    @Test
    void theInternalApiBetweenManagersAnswersFromThisInstancesCopiesAndNeverForwards() {
        ArchRule rule = noClasses().that().haveFullyQualifiedName("dev.cube.manager.cluster.PeerController")
                .should().dependOnClassesThat().haveFullyQualifiedName("dev.cube.manager.cluster.RoutedReads")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("dev.cube.manager.cluster.PeerClient");

        rule.check(cube);
    }

    @Test
    void theWorkersSupervisorKnowsNoKafka() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.cube.worker.supervisor..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.micronaut..");

        rule.check(cube);
    }

    @Test
    void theWorkersOutputShippingKnowsNoKafka() {
        ArchRule rule = noClasses().that().resideInAPackage("dev.cube.worker.output..")
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka.clients..", "org.apache.kafka.streams..", "io.micronaut..");

        rule.check(cube);
    }

    @Test
    void theServicesShipNoBrokerCode() {
        ArchRule rule = noClasses().that().resideInAnyPackage("dev.cube.manager..", "dev.cube.worker..", "dev.cube.kafka..", "dev.cube.core..")
                .should().dependOnClassesThat().resideInAnyPackage("kafka.server..", "kafka.tools..", "org.apache.kafka.server..",
                        "org.apache.kafka.raft..", "org.apache.kafka.metadata..", "dev.cube.infra..");

        rule.check(cube);
    }
}
