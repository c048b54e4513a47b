// Tests for reading result files: exact round trips, absent metrics, rejection of malformed files
// with useful messages (writing: tst_result_write; files too costly to read:
// tst_result_file_limits).
#include "results/comparison.h"
#include "results/result_file.h"

#include "../support/result_file_fixtures.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <tuple>

using namespace tb;
using namespace tbtest;

class TestResultFile : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Every field, including the extremes of doubles and uint64, must survive text and back.
  void fullResultRoundTripsExactly() {
    const RunResult original = fullResult();
    compareResults(fromJson(toJson(original), "mem"), original);
    compareResults(fromJson(toJson(original, -1), "mem"), original);
  }

  // Unmeasured metrics must stay "unknown" rather than turn into a misleading 0.
  // The blocks of trust: a repeat's group, steady state, projection and validity.
  void trustBlocksRoundTrip() {
    RunResult r = fullResult();
    r.group = "20261202T101500Z-0a1b2c3d";
    r.steadyState = SteadyStateRecord{1234.5, 0.0259, 0.031, 1875, 16874};
    r.projection = ProjectionRecord{8123.4, 8010.25, 8240.5, 63, 60, 10, 50000, 10000};
    r.validity = ValidityRecord{true, {"Other processes used 1.9 of 2 cores.", "On battery."}};
    const RunResult back = fromJson(toJson(r), "mem");
    compareResults(back, r);
    QCOMPARE(back.group, r.group);
    const auto steady = [](const SteadyStateRecord& s) {
      return std::tie(s.samplesPerSecond, s.stepSecondsP50, s.stepSecondsP95, s.warmupSteps,
                      s.steps);
    };
    QVERIFY(back.steadyState && steady(*back.steadyState) == steady(*r.steadyState));
    const auto projection = [](const ProjectionRecord& p) {
      return std::tie(p.totalSeconds, p.low, p.high, p.basisSteps, p.budgetSeconds, p.epochs,
                      p.trainSamples, p.testSamples);
    };
    QVERIFY(back.projection && projection(*back.projection) == projection(*r.projection));
    QVERIFY(back.validity);
    QCOMPARE(back.validity->disturbed, true);
    QCOMPARE(back.validity->warnings, r.validity->warnings);
  }

  // Results written before these blocks, or runs without them, leave the keys out entirely.
  void trustBlocksAreOptional() {
    const RunResult r = fullResult();
    const QJsonObject json = jsonOf(r);
    for (const char* key : {"group", "steady_state", "projection", "validity"}) {
      QVERIFY2(!json.contains(QLatin1String(key)), key);
    }
    const RunResult back = fromJson(toJson(r), "mem");
    QVERIFY(back.group.empty());
    QVERIFY(!back.steadyState && !back.projection && !back.validity);
  }

  // The execution mode is written; files from before it read as eager, how they trained.
  void executionIsRecordedAndDefaultsToEager() {
    RunResult r = editableResult();
    r.config.execution = "graph";
    QCOMPARE(QString::fromStdString(fromJson(toJson(r), "mem").config.execution), QStringLiteral("graph"));
    QJsonObject json = jsonOf(r);
    QJsonObject config = json.value("config").toObject();
    config.remove("execution");
    json.insert("config", config);
    const RunResult back = fromJson(QJsonDocument(json).toJson().toStdString(), "mem");
    QCOMPARE(QString::fromStdString(back.config.execution), QStringLiteral("eager"));
    QVERIFY(back.config.executionFallback.empty() && !config.contains("execution_fallback"));
    r.config.executionFallback = "graph mode trained eagerly: the capture failed: invalidated";
    QCOMPARE(fromJson(toJson(r), "mem").config.executionFallback, r.config.executionFallback);
  }

  void absentMetricsStayAbsent() {
    RunResult r = fullResult();
    r.status = RunStatus::Failed;
    r.failure = FailureKind::Device;
    r.error = "CUDA out of memory";
    r.system.memoryMb.reset();
    r.test.reset();
    r.totalSeconds.reset();
    r.epochs.clear();
    const QJsonObject json = jsonOf(r);
    QVERIFY(json.value("test").isNull());
    QVERIFY(json.value("total_seconds").isNull());
    QVERIFY(json.value("system").toObject().value("memory_mb").isNull());
    QVERIFY(json.value("timeline").toArray().at(1).toObject().value("rss_mb").isNull());
    QCOMPARE(json.value("error_kind").toString(), QStringLiteral("device"));
    const RunResult back = fromJson(toJson(r), "mem");
    compareResults(back, r);
    QVERIFY(!back.test && !back.totalSeconds && !back.system.memoryMb);
    QVERIFY(!back.timeline[1].cpuPercent && !back.timeline[1].rssMb);
  }

  // Status and failure kind drive exit codes, so each value must map both ways.
  void statusesAndKindsRoundTrip() {
    for (FailureKind kind : {FailureKind::Data, FailureKind::Device, FailureKind::Run}) {
      RunResult r = fullResult();
      r.status = RunStatus::Failed;
      r.failure = kind;
      r.error = "boom";
      // A total in a failed run's file is no total: it would compare, with a speed-up, as a
      // finished run's. The reader drops it; the rest of the run reads as written.
      const RunResult back = fromJson(toJson(r), "mem");
      QVERIFY(!back.totalSeconds);
      r.totalSeconds.reset();
      compareResults(back, r);
    }
    RunResult cancelled = fullResult();
    cancelled.status = RunStatus::Cancelled;
    cancelled.totalSeconds.reset();
    QVERIFY(!jsonOf(cancelled).contains("error_kind"));
    QVERIFY(jsonOf(cancelled).value("error").isNull());
    compareResults(fromJson(toJson(cancelled), "mem"), cancelled);
    QCOMPARE(parseRunStatus("paused"), std::optional<RunStatus>());
    QCOMPARE(parseFailureKind("run"), std::optional<FailureKind>(FailureKind::Run));
  }

  // A diverged run has NaN/inf losses; JSON cannot hold them, so they go out as null.
  void nonFiniteValuesBecomeNull() {
    RunResult r = fullResult();
    r.epochs[0].trainLoss = std::numeric_limits<double>::quiet_NaN();
    r.epochs[1].trainLoss = std::numeric_limits<double>::infinity();
    r.totalSeconds = std::numeric_limits<double>::infinity();
    r.timeline[0].cpuPercent = std::numeric_limits<double>::quiet_NaN();
    const QJsonObject json = jsonOf(r);
    QVERIFY(json.value("epochs").toArray().at(0).toObject().value("train_loss").isNull());
    QVERIFY(json.value("total_seconds").isNull());
    const RunResult back = fromJson(toJson(r), "mem");
    QVERIFY(std::isnan(back.epochs[0].trainLoss));
    QVERIFY(std::isnan(back.epochs[1].trainLoss));
    QVERIFY(!back.totalSeconds);
    QVERIFY(!back.timeline[0].cpuPercent);
  }

  // Files from later 1.x writers may carry keys this version does not know.
  void unknownKeysAreIgnored() {
    QJsonObject json = jsonOf(editableResult());
    json.insert("gpu_clock_mhz", 2520);
    QJsonObject device = json.value("device").toObject();
    device.insert("driver", "550.54");
    json.insert("device", device);
    json.remove("timeline");  // optional as a whole
    const RunResult back = fromJson(QJsonDocument(json).toJson().toStdString(), "mem");
    QCOMPARE(back.device.id, std::string("cuda:0"));
    QVERIFY(back.timeline.empty());
  }

  // The CPU's BLAS and TrainBench's build are recorded (round trip: fullResultRoundTripsExactly);
  // files from before them read as unknown, and a wrong type names the key.
  void blasAndBuildAreOptional_data() {
    QTest::addColumn<QString>("key");
    QTest::newRow("blas") << QStringLiteral("blas");
    QTest::newRow("build") << QStringLiteral("build");
  }
  void blasAndBuildAreOptional() {
    QFETCH(QString, key);
    RunResult unknown = editableResult();
    unknown.system.blas.clear();
    unknown.system.build.clear();
    QJsonObject json = jsonOf(unknown);
    QJsonObject system = json.value("system").toObject();
    QVERIFY(system.contains(key) && system.value(key).isNull());  // not found: null, never a guess
    system.remove(key);
    json.insert("system", system);
    const RunResult back = fromJson(QJsonDocument(json).toJson().toStdString(), "mem");
    QVERIFY(back.system.blas.empty() && back.system.build.empty());
    system.insert(key, 3);
    json.insert("system", system);
    try {
      fromJson(QJsonDocument(json).toJson().toStdString(), "mem");
      QFAIL("a number was read as text");
    } catch (const std::exception& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("system.%1 must be a string or null").arg(key)),
               e.what());
    }
  }

  // A minor revision of version 1 adds only optional keys: it reads (it said "unsupported").
  // A data source this version does not know is shown as written, never as the real files.
  void minorRevisionsAndUnknownValuesRead() {
    QJsonObject json = jsonOf(editableResult());
    json.insert("schema", "trainbench-result/1.1");
    QJsonObject workload = json.value("workload").toObject();
    workload.insert("data_source", "stream");
    json.insert("workload", workload);
    const RunResult back = fromJson(QJsonDocument(json).toJson().toStdString(), "mem");
    QCOMPARE(QString::fromStdString(back.workload.dataSource), QStringLiteral("stream"));
    QVERIFY2(deviceLabel(back).find(" stream") != std::string::npos, deviceLabel(back).c_str());
  }

  // How TrainBench measured is recorded; a file without it (written before it was) reads as
  // method 0, "measured otherwise", never as this version's method.
  void measurementMethodIsRecorded() {
    const RunResult run = editableResult();
    QJsonObject json = jsonOf(run);
    QJsonObject system = json.value("system").toObject();
    QCOMPARE(system.value("measurement_method").toInt(-1), kMeasurementMethod);
    QCOMPARE(fromJson(QJsonDocument(json).toJson().toStdString(), "mem").system.measurementMethod,
             kMeasurementMethod);
    system.remove("measurement_method");
    json.insert("system", system);
    QCOMPARE(fromJson(QJsonDocument(json).toJson().toStdString(), "mem").system.measurementMethod, 0);
    system.insert("measurement_method", "1");
    json.insert("system", system);
    try {
      fromJson(QJsonDocument(json).toJson().toStdString(), "mem");
      QFAIL("text was read as a method");
    } catch (const std::exception& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("system.measurement_method must be an integer")),
               e.what());
    }
  }

  // The speed switches round trip (fullResultRoundTripsExactly); a value that is no string is
  // refused naming the key, and a file without them reads as none set.
  void environmentValuesAreStrings() {
    QJsonObject json = jsonOf(editableResult());
    QJsonObject config = json.value("config").toObject();
    QCOMPARE(config.value("environment").toObject().value("OMP_WAIT_POLICY").toString(),
             QStringLiteral("passive"));
    config.insert("environment", QJsonObject{{"OMP_WAIT_POLICY", 1}});
    json.insert("config", config);
    try {
      fromJson(QJsonDocument(json).toJson().toStdString(), "mem");
      QFAIL("a number as a variable's value was read");
    } catch (const std::exception& e) {
      QVERIFY2(QString::fromUtf8(e.what()).contains("config.environment.OMP_WAIT_POLICY must be a string"),
               e.what());
    }
    config.remove("environment");
    json.insert("config", config);
    QVERIFY(fromJson(QJsonDocument(json).toJson().toStdString(), "mem").config.environment.empty());
  }

  void malformedFilesAreRejected_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    const QJsonObject good = jsonOf(editableResult());
    const QByteArray goodText = QJsonDocument(good).toJson();
    auto variant = [&](auto edit) {
      QJsonObject json = good;
      edit(json);
      return QJsonDocument(json).toJson();
    };
    QTest::newRow("not json") << QByteArray("hello") << "not valid JSON: parse error at line 1";
    QTest::newRow("empty") << QByteArray() << "not valid JSON";
    QTest::newRow("truncated") << goodText.left(goodText.size() / 2) << "not valid JSON";
    QTest::newRow("array") << QByteArray("[1, 2]") << "top level is array, not an object";
    QTest::newRow("no schema") << variant([](QJsonObject& j) { j.remove("schema"); })
                               << "not a TrainBench result: no \"schema\" key";
    QTest::newRow("other file") << QByteArray(R"({"name": "package", "version": "1.0"})")
                                << "not a TrainBench result";
    QTest::newRow("other schema")
        << variant([](QJsonObject& j) { j.insert("schema", "vega-lite/5"); })
        << "not a TrainBench result: schema is \"vega-lite/5\"";
    QTest::newRow("newer schema")
        << variant([](QJsonObject& j) { j.insert("schema", "trainbench-result/2"); })
        << "written by a newer TrainBench: schema trainbench-result/2; this version reads up to /1";
    QTest::newRow("newer minor revision")
        << variant([](QJsonObject& j) { j.insert("schema", "trainbench-result/2.1"); })
        << "written by a newer TrainBench: schema trainbench-result/2.1";
    QTest::newRow("bad version")
        << variant([](QJsonObject& j) { j.insert("schema", "trainbench-result/x"); })
        << "unsupported schema";
    QTest::newRow("bad minor version")
        << variant([](QJsonObject& j) { j.insert("schema", "trainbench-result/1.x"); })
        << "unsupported schema";
    QTest::newRow("wrong type") << variant([](QJsonObject& j) {
      QJsonArray epochs = j.value("epochs").toArray();
      QJsonObject epoch = epochs.at(1).toObject();
      epoch.insert("seconds", "fast");
      epochs.replace(1, epoch);
      j.insert("epochs", epochs);
    }) << "epochs[1].seconds must be a number";
    QTest::newRow("missing key") << variant([](QJsonObject& j) {
      QJsonObject workload = j.value("workload").toObject();
      workload.remove("dataset");
      j.insert("workload", workload);
    }) << "workload.dataset is missing";
    QTest::newRow("integer expected") << variant([](QJsonObject& j) {
      QJsonObject config = j.value("config").toObject();
      config.insert("batch_size", 32.5);
      j.insert("config", config);
    }) << "config.batch_size must be an integer";
    QTest::newRow("unknown status")
        << variant([](QJsonObject& j) { j.insert("status", "paused"); })
        << "unknown status \"paused\"";
    QTest::newRow("bad test") << variant([](QJsonObject& j) { j.insert("test", 0.9); })
                              << "test must be an object or null";
    QTest::newRow("bad validity") << variant([](QJsonObject& j) {
      j.insert("validity", QJsonObject{{"disturbed", "yes"}, {"warnings", QJsonArray()}});
    }) << "validity.disturbed must be true or false";
    QTest::newRow("negative steady state") << variant([](QJsonObject& j) {
      j.insert("steady_state", QJsonObject{{"samples_per_second", -5.0},
                                           {"step_seconds_p50", 0.1},
                                           {"step_seconds_p95", 0.2},
                                           {"warmup_steps", 1},
                                           {"steps", 10}});
    }) << "steady_state.samples_per_second";
    QTest::newRow("accuracy above 1") << variant([](QJsonObject& j) {
      QJsonObject test = j.value("test").toObject();
      test.insert("accuracy", 2.5);
      j.insert("test", test);
    }) << "test.accuracy must be from 0 to 1, not 2.5";
    QTest::newRow("negative train accuracy") << variant([](QJsonObject& j) {
      QJsonArray epochs = j.value("epochs").toArray();
      QJsonObject epoch = epochs.at(0).toObject();
      epoch.insert("train_accuracy", -1);
      epochs.replace(0, epoch);
      j.insert("epochs", epochs);
    }) << "epochs[0].train_accuracy must be from 0 to 1, not -1";
    QTest::newRow("bad execution") << variant([](QJsonObject& j) {
      QJsonObject config = j.value("config").toObject();
      config.insert("execution", "warp");
      j.insert("config", config);
    }) << "config.execution must be \"eager\" or \"graph\", not \"warp\"";
    // What docs/result-format.md says the reader refuses: negative readings, epochs the charts
    // cannot place, an interval upside down.
    QTest::newRow("epochs out of order") << variant([](QJsonObject& j) {
      QJsonArray epochs = j.value("epochs").toArray();
      QJsonObject epoch = epochs.at(1).toObject();
      epoch.insert("epoch", 1);
      epochs.replace(1, epoch);
      j.insert("epochs", epochs);
    }) << "epochs[1].epoch is 1, not after the 1 before it";
    QTest::newRow("epoch past the run") << variant([](QJsonObject& j) {
      QJsonObject config = j.value("config").toObject();
      config.insert("epochs", 1);
      j.insert("config", config);
    }) << "epochs[1].epoch is 2, past config.epochs (1)";
    QTest::newRow("negative budget") << variant([](QJsonObject& j) {
      QJsonObject config = j.value("config").toObject();
      config.insert("time_budget_seconds", -60.0);
      j.insert("config", config);
    }) << "config.time_budget_seconds must not be negative, not -60";
    QTest::newRow("negative timeline") << variant([](QJsonObject& j) {
      j.insert("timeline", QJsonArray{QJsonObject{{"t", -5.0}, {"rss_mb", 10.0}}});
    }) << "timeline[0].t must not be negative, not -5";
    QTest::newRow("timeline out of order") << variant([](QJsonObject& j) {
      j.insert("timeline", QJsonArray{QJsonObject{{"t", 1.0}}, QJsonObject{{"t", 8.0}},
                                      QJsonObject{{"t", 4.0}}});
    }) << "timeline[2].t is 4, before the 8 before it";
    QTest::newRow("projection upside down") << variant([](QJsonObject& j) {
      j.insert("projection", QJsonObject{{"total_seconds", 10.0}, {"low", 50.0}, {"high", 1.0},
                                         {"basis_steps", 100}, {"budget_seconds", 60.0},
                                         {"epochs", 10}, {"train_samples", 600},
                                         {"test_samples", 100}});
    }) << "projection.low (50) must not be above projection.high (1)";
    QTest::newRow("total below its epochs")
        << variant([](QJsonObject& j) { j.insert("total_seconds", 1.0); })
        << "total_seconds (1) is less than its epochs took (3.25 s)";
    QTest::newRow("ranks short of the world") << variant([](QJsonObject& j) {
      j.insert("distributed",
               QJsonObject{{"world_size", 4},
                           {"backend", "gloo"},
                           {"scaling", "weak"},
                           {"global_batch", 128},
                           {"ranks", QJsonArray{QJsonObject{{"rank", 0},
                                                            {"host", "a"},
                                                            {"device", "cuda:0"},
                                                            {"samples_per_second", 100.0},
                                                            {"communication_share", 0.1}}}}});
    }) << "distributed.ranks lists 1 ranks, not distributed.world_size (4)";
    QTest::newRow("completed short of its epochs") << variant([](QJsonObject& j) {
      QJsonObject config = j.value("config").toObject();
      config.insert("epochs", 3);
      j.insert("config", config);
    }) << "a completed run lists 2 epochs, not config.epochs (3)";
    const auto twoRanks = [](const char* scaling, int globalBatch) {
      const QJsonObject rank{{"host", "a"},
                             {"device", "cpu"},
                             {"samples_per_second", 100.0},
                             {"communication_share", 0.1}};
      QJsonObject first = rank, second = rank;
      first.insert("rank", 0);
      second.insert("rank", 1);
      return QJsonObject{{"world_size", 2},
                         {"backend", "gloo"},
                         {"scaling", scaling},
                         {"global_batch", globalBatch},
                         {"ranks", QJsonArray{first, second}}};
    };
    QTest::newRow("global batch not the ranks'")
        << variant([&](QJsonObject& j) { j.insert("distributed", twoRanks("weak", 999)); })
        << "distributed.global_batch is 999, not config.batch_size x distributed.world_size (64)";
    QTest::newRow("unknown scaling")
        << variant([&](QJsonObject& j) { j.insert("distributed", twoRanks("diagonal", 64)); })
        << "distributed.scaling must be \"weak\" or \"strong\", not \"diagonal\"";
    QTest::newRow("deep nesting") << QByteArray(100000, '[') + QByteArray(100000, ']')
                                  << "not a TrainBench result: nested deeper than 64 levels";
    QTest::newRow("deep nesting in a key")
        << goodText.left(goodText.lastIndexOf('}')) + ", \"x\": " + QByteArray(70, '[') +
               QByteArray(70, ']') + "}"
        << "nested deeper than 64 levels";
  }

  // Each broken file must be refused with a message that says which file and what is wrong.
  void malformedFilesAreRejected() {
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath("broken.json");
    writeText(path, content);
    const QString message = errorOf([&] { readResultFile(path.toStdString()); });
    QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
    QVERIFY2(message.contains(expected), qPrintable(message));
  }

  // A missing file and a runaway-size file must fail cleanly, naming the file.
  void unreadableFilesAreRejected() {
    QTemporaryDir dir;
    const QString missing = dir.filePath("missing.json");
    QVERIFY(errorOf([&] { readResultFile(missing.toStdString()); }).startsWith(missing + ": "));
    const QString huge = dir.filePath("huge.json");
    QFile file(huge);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.resize(static_cast<qint64>(kMaxResultFileBytes) + 1));  // sparse, fast
    file.close();
    const QString message = errorOf([&] { readResultFile(huge.toStdString()); });
    QVERIFY2(message.startsWith(huge + ": larger than 64 MiB"), qPrintable(message));
  }
};

QTEST_APPLESS_MAIN(TestResultFile)
#include "tst_result_file.moc"
