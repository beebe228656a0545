package io.txtrain.spark.dl4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.TrainingHook;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/** Settings of the master as DL4J defines them: builder options, constructors, JSON and YAML. */
class MasterSettingsCompatibilityTest {

    static TransactionalTrainingMaster.Builder everySettingChanged() {
        return new TransactionalTrainingMaster.Builder(3, 4).batchSizePerWorker(24).averagingFrequency(7)
                .aggregationDepth(3).workerPrefetchNumBatches(2).saveUpdater(false).repartionData(Repartition.Never)
                .repartitionStrategy(RepartitionStrategy.SparkDefault).storageLevel(StorageLevel.DISK_ONLY())
                .storageLevelStreams(StorageLevel.MEMORY_AND_DISK_SER()).rddTrainingApproach(RDDTrainingApproach.Direct)
                .exportDirectory("hdfs:///tmp/export").rngSeed(-42L).collectTrainingStats(true)
                .checkpointDirectory("hdfs://nn:8020/runs/a \"quoted\" run").checkpointPolicy("every-seconds:30")
                .retainCheckpoints(3).maxRoundAttempts(5).set("spark.txtrain.lease.timeout", "45s");
    }

    @Test
    void jsonAndYamlRoundTripEverySetting() throws Exception {
        TransactionalTrainingMaster tm = everySettingChanged().build();
        String json = tm.toJson();
        new ObjectMapper().readTree(json); // valid JSON, quotes in values escaped
        TransactionalTrainingMaster fromJson = TransactionalTrainingMaster.fromJson(json);
        assertEquals(tm, fromJson);
        assertEquals(json, fromJson.toJson());
        TransactionalTrainingMaster fromYaml = TransactionalTrainingMaster.fromYaml(tm.toYaml());
        assertEquals(tm, fromYaml);
        assertEquals(tm.toYaml(), fromYaml.toYaml());
        assertTrue(fromJson.getIsCollectTrainingStats());

        TransactionalTrainingMaster defaults = new TransactionalTrainingMaster.Builder(1).build();
        assertEquals(defaults, TransactionalTrainingMaster.fromJson(defaults.toJson()), "numWorkers null");
        assertNotEquals(defaults, tm);
    }

    @Test
    void badJsonNamesTheField() {
        String json = new TransactionalTrainingMaster.Builder(2, 1).build().toJson();
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> TransactionalTrainingMaster.fromJson(json.replace("\"averagingFrequency\"", "\"avgFreq\"")));
        assertTrue(unknown.getMessage().contains("avgFreq"), unknown.getMessage());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> TransactionalTrainingMaster.fromJson(json.replace("\"MEMORY_AND_DISK\"", "\"FAST\"")));
        assertTrue(bad.getMessage().contains("FAST") && bad.getMessage().contains("MEMORY_ONLY"), bad.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> TransactionalTrainingMaster.fromJson(json.replace("\"batchSizePerWorker\" : 16",
                        "\"batchSizePerWorker\" : 0")));
        assertTrue(range.getMessage().contains("batchSizePerWorker"), range.getMessage());
    }

    /** Every public builder method and constructor of DL4J's PATM exists here with the same parameters. */
    @Test
    void everyParameterAveragingOptionAndConstructorExists() throws Exception {
        List<String> missing = new ArrayList<>();
        for (Method m : ParameterAveragingTrainingMaster.Builder.class.getDeclaredMethods()) {
            if (!Modifier.isPublic(m.getModifiers())) {
                continue;
            }
            try {
                Method ours = TransactionalTrainingMaster.Builder.class.getMethod(m.getName(), m.getParameterTypes());
                if (!m.getName().equals("build")) {
                    assertEquals(TransactionalTrainingMaster.Builder.class, ours.getReturnType(), m.getName());
                }
            } catch (NoSuchMethodException e) {
                missing.add("Builder." + m.getName() + Arrays.toString(m.getParameterTypes()));
            }
        }
        for (Constructor<?> c : ParameterAveragingTrainingMaster.Builder.class.getConstructors()) {
            try {
                TransactionalTrainingMaster.Builder.class.getConstructor(c.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add("new Builder" + Arrays.toString(c.getParameterTypes()));
            }
        }
        for (Constructor<?> c : ParameterAveragingTrainingMaster.class.getConstructors()) {
            try {
                TransactionalTrainingMaster.class.getConstructor(c.getParameterTypes());
            } catch (NoSuchMethodException e) {
                missing.add("new TransactionalTrainingMaster" + Arrays.toString(c.getParameterTypes()));
            }
        }
        for (String m : List.of("fromJson", "fromYaml")) {
            try {
                TransactionalTrainingMaster.class.getMethod(m, String.class);
            } catch (NoSuchMethodException e) {
                missing.add(m);
            }
        }
        assertTrue(missing.isEmpty(), "missing: " + missing);

        TransactionalTrainingMaster viaConstructor = new TransactionalTrainingMaster(false, 2, 1, 8, 3, 1);
        assertEquals(TransactionalTrainingMaster.fromJson(new TransactionalTrainingMaster.Builder(2, 1)
                .saveUpdater(false).batchSizePerWorker(8).averagingFrequency(3).workerPrefetchNumBatches(1)
                .storageLevel(StorageLevel.MEMORY_ONLY_SER()).build().toJson()), viaConstructor);
    }

    @Test
    void optionsWithoutEffectAreLoggedOnceAndHooksAreRefused() {
        List<String> lines = new ArrayList<>();
        Logger logger = (Logger) LogManager.getLogger(TransactionalTrainingMaster.class);
        AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
            }
        };
        capture.start();
        Level before = logger.getLevel();
        logger.addAppender(capture);
        logger.setLevel(Level.INFO);
        try {
            everySettingChanged().build();
            new TransactionalTrainingMaster.Builder(2, 1).build();
        } finally {
            logger.removeAppender(capture);
            logger.setLevel(before);
        }
        List<String> ignored = lines.stream().filter(l -> l.contains("ignores")).toList();
        assertEquals(1, ignored.size(), "logged once, only for the master that sets them: " + lines);
        for (String option : List.of("aggregationDepth", "workerPrefetchNumBatches", "repartionData",
                "repartitionStrategy", "rddTrainingApproach", "exportDirectory", "storageLevelStreams")) {
            assertTrue(ignored.get(0).contains(option) && ignored.get(0).startsWith("INFO"), option + ": " + ignored);
        }
        TrainingHook hook = new TrainingHook() {
            @Override
            public void preUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, org.deeplearning4j.nn.api.Model model) {
            }

            @Override
            public void postUpdate(org.nd4j.linalg.dataset.api.DataSet minibatch, org.deeplearning4j.nn.api.Model model) {
            }

            @Override
            public void preUpdate(org.nd4j.linalg.dataset.api.MultiDataSet minibatch,
                                  org.deeplearning4j.nn.api.Model model) {
            }

            @Override
            public void postUpdate(org.nd4j.linalg.dataset.api.MultiDataSet minibatch,
                                   org.deeplearning4j.nn.api.Model model) {
            }
        };
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> new TransactionalTrainingMaster.Builder(2, 1).trainingHooks(hook));
        assertTrue(e.getMessage().contains("TrainingListeners"), e.getMessage());
        new TransactionalTrainingMaster.Builder(2, 1).trainingHooks(List.of()).build(); // none is fine
    }
}
