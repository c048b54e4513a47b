// Tests for saving results without ever losing one: names claimed atomically (a taken name is
// never replaced, even by a concurrent saver), the results folder checked before a run, files
// left behind by a killed saver cleaned, and nonsense numbers refused when a result is read.
#include "engine/run_config.h"
#include "results/comparison.h"
#include "results/created_time.h"
#include "results/result_file.h"
#include "telemetry/telemetry_sampler.h"

#include "../support/run_result_builder.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/resource.h>

#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cmath>
#include <functional>
#include <future>
#include <limits>
#include <set>
#include <thread>

using namespace tb;
using tbtest::RunResultBuilder;

namespace {

RunResult sampleResult(const std::string& created = "2026-12-02T06:00:00Z") {
  return RunResultBuilder()
      .created(created)
      .workload("fashion-mlp", "fashion-mnist")
      .samples(256, 64)
      .flopsPerSample(609792.0)
      .plannedEpochs(1)
      .device("cpu", "Test CPU")
      .host("test-host")
      .epoch(/*seconds=*/0.25, /*samplesPerSecond=*/1024.0)
      .test(/*loss=*/0.4, /*accuracy=*/0.85)
      .totalSeconds(0.3)
      .build();
}

QByteArray bytesOf(const QString& path) {
  QFile file(path);
  return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QStringList hiddenFiles(const QString& folder) {
  return QDir(folder)
      .entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name)
      .filter(QRegularExpression(QStringLiteral("^\\.")));
}

QString errorOf(const std::function<void()>& action) {
  try {
    action();
  } catch (const std::exception& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

// A pid that is certainly not running: a child that has already been reaped.
pid_t deadPid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

std::string hostName() {
  char name[256] = {};
  ::gethostname(name, sizeof name - 1);
  return name;
}

}  // namespace

class TestResultSave : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The core of "nothing is lost": a second save to a taken name fails instead of replacing.
  void writeNewNeverReplaces() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("run.json"));
    QVERIFY(writeNewResultFile(sampleResult("2026-12-02T06:00:00Z"), path.toStdString()));
    const QByteArray first = bytesOf(path);
    QVERIFY(!writeNewResultFile(sampleResult("2026-12-02T07:00:00Z"), path.toStdString()));
    QCOMPARE(bytesOf(path), first);
    QVERIFY(hiddenFiles(dir.path()).isEmpty());  // the losing write left nothing behind
  }

  // Savers that pick the same name get "_2", "_3", ...: every result keeps its own file.
  void freeNamesAreNumbered() {
    QTemporaryDir dir;
    const std::string wanted = dir.filePath(QStringLiteral("run.json")).toStdString();
    std::set<std::string> paths;
    for (int i = 0; i < 3; ++i) paths.insert(saveResultUnderFreeName(sampleResult(), wanted));
    QCOMPARE(paths.size(), std::size_t{3});
    QVERIFY(paths.count(dir.filePath(QStringLiteral("run_2.json")).toStdString()) == 1);
    QVERIFY(paths.count(dir.filePath(QStringLiteral("run_3.json")).toStdString()) == 1);
  }

  // Many threads saving under one name at once: each gets a distinct, complete file. (The
  // issue's lost results came from choosing a name before a slow write and renaming over it.)
  void concurrentSaversNeverCollide() {
    QTemporaryDir dir;
    const std::string wanted = dir.filePath(QStringLiteral("same.json")).toStdString();
    constexpr int kSavers = 8;
    std::vector<std::future<std::string>> savers;
    for (int i = 0; i < kSavers; ++i) {
      savers.push_back(std::async(std::launch::async, [&wanted, i] {
        return saveResultUnderFreeName(sampleResult("2026-12-02T06:00:0" + std::to_string(i) + "Z"),
                                       wanted);
      }));
    }
    std::set<std::string> paths;
    for (auto& saver : savers) paths.insert(saver.get());
    QCOMPARE(paths.size(), std::size_t{kSavers});
    std::set<std::string> created;
    for (const auto& path : paths) created.insert(readResultFile(path).created);
    QCOMPARE(created.size(), std::size_t{kSavers});
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot).size(),
             kSavers);
  }

  // A run that cannot be saved must not start: each unusable folder is refused with its name.
  void unusableFoldersAreRefusedUpFront() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("not-a-folder"));
    QFile(file).open(QIODevice::WriteOnly);
    const QString fileError = errorOf([&] { checkResultsFolder(file.toStdString()); });
    QVERIFY2(fileError.contains(file) && fileError.contains(QLatin1String("not a folder")),
             qPrintable(fileError));

    // A file on the way, or the file named as a folder ("--out notes.txt/"): said so, not
    // "File exists" or "Not a directory".
    for (const QString& under : {file + QStringLiteral("/results"), file + QStringLiteral("/")}) {
      const QString underError = errorOf([&] { checkResultsFolder(under.toStdString()); });
      QVERIFY2(underError.startsWith(under + QStringLiteral(": ") + file +
                                     QStringLiteral(" is a file, not a folder")),
               qPrintable(underError));
    }

    // A link to a folder that is gone (a drive not mounted) says so; it said "File exists".
    const QString dangling = dir.filePath(QStringLiteral("dangling"));
    QVERIFY(QFile::link(dir.filePath(QStringLiteral("gone/deep")), dangling));
    // Named as the folder itself, with a slash (as "--out dir/" and the app name it), or as a
    // folder above the one to create.
    for (const QString& folder : {dangling, dangling + QStringLiteral("/"),
                                  dangling + QStringLiteral("/sub/results")}) {
      const QString danglingError = errorOf([&] { checkResultsFolder(folder.toStdString()); });
      QVERIFY2(danglingError.startsWith(folder + QStringLiteral(": ") + dangling +
                                        QStringLiteral(" is a link to ")) &&
                   danglingError.contains(QLatin1String("gone/deep, which does not exist")),
               qPrintable(danglingError));
    }

    const QString fresh = dir.filePath(QStringLiteral("new/results"));
    QVERIFY(errorOf([&] { checkResultsFolder(fresh.toStdString()); }).isEmpty());
    QVERIFY(QFileInfo(fresh).isDir());
    QVERIFY(hiddenFiles(fresh).isEmpty());  // the write check cleans up after itself
  }

  // A file size limit (ulimit -f) too small for a result stopped the save only after the run
  // had trained, however free the disk: the run was lost. It is refused up front, named.
  void aSmallFileSizeLimitIsRefusedUpFront() {
    QTemporaryDir dir;
    struct rlimit before {};
    QVERIFY(::getrlimit(RLIMIT_FSIZE, &before) == 0);
    struct rlimit small = before;
    small.rlim_cur = 1024 * 1024;
    QVERIFY(::setrlimit(RLIMIT_FSIZE, &small) == 0);
    const QString error = errorOf([&] { checkResultsFolder(dir.path().toStdString()); });
    QVERIFY(::setrlimit(RLIMIT_FSIZE, &before) == 0);
    QVERIFY2(error.startsWith(dir.path()) && error.contains(QLatin1String("ulimit -f")) &&
                 error.contains(QLatin1String("1024 KiB")),
             qPrintable(error));
    QVERIFY(errorOf([&] { checkResultsFolder(dir.path().toStdString()); }).isEmpty());
  }

  // Temporary files of a saver that died (kill -9) are removed by the next save; those of a
  // live process, another machine or another program are left alone.
  void abandonedTemporaryFilesAreCleaned() {
    QTemporaryDir dir;
    const QString host = QString::fromStdString(hostName());
    const QString dead = QStringLiteral(".run.json.tmp-%1-%2-AbC123").arg(deadPid()).arg(host);
    const QString alive = QStringLiteral(".run.json.tmp-%1-%2-XyZ789").arg(::getpid()).arg(host);
    const QString elsewhere = QStringLiteral(".run.json.tmp-%1-other-host-QqQ111").arg(deadPid());
    const QString foreign = QStringLiteral(".notes.txt");
    for (const QString& name : {dead, alive, elsewhere, foreign})
      QVERIFY(QFile(dir.filePath(name)).open(QIODevice::WriteOnly));

    saveResultUnderFreeName(sampleResult(), dir.filePath(QStringLiteral("run.json")).toStdString());
    const QStringList left = hiddenFiles(dir.path());
    QVERIFY2(!left.contains(dead), qPrintable(left.join(' ')));
    QVERIFY(left.contains(alive));
    QVERIFY(left.contains(elsewhere));
    QVERIFY(left.contains(foreign));
  }

  // Well-formed JSON with impossible numbers is refused, naming the key ("show" printed
  // "-5 epochs" before).
  void impossibleNumbersAreRefused_data() {
    QTest::addColumn<QString>("key");
    QTest::newRow("epoch") << QStringLiteral("epochs[0].epoch");
    QTest::newRow("seconds") << QStringLiteral("epochs[0].seconds");
    QTest::newRow("total") << QStringLiteral("total_seconds");
    QTest::newRow("epochs") << QStringLiteral("config.epochs");
    QTest::newRow("samples") << QStringLiteral("workload.train_samples");
  }
  void impossibleNumbersAreRefused() {
    QFETCH(QString, key);
    RunResult r = sampleResult();
    if (key == QLatin1String("epochs[0].epoch")) r.epochs[0].epoch = -5;
    if (key == QLatin1String("epochs[0].seconds")) r.epochs[0].seconds = -1;
    if (key == QLatin1String("total_seconds")) r.totalSeconds = -2;
    if (key == QLatin1String("config.epochs")) r.config.epochs = -5;
    if (key == QLatin1String("workload.train_samples")) r.workload.trainSamples = -1;
    const QString error = errorOf([&] { fromJson(toJson(r), "bad.json"); });
    QVERIFY2(error.startsWith(QLatin1String("bad.json: ") + key), qPrintable(error));
  }

  // A huge but positive figure stays exact; what overflows from it is absent, never "inf".
  void overflowingFiguresAreAbsent() {
    RunResult r = sampleResult();
    r.workload.flopsPerSample = 1e308;
    r.epochs[0].samplesPerSecond = 1e300;
    const ComparisonRow row = comparisonRow(fromJson(toJson(r), "huge.json"));
    QVERIFY(!row.achievedTflops.has_value());
    QVERIFY(!row.efficiency.has_value());
  }

  // NaN and infinity in a config are refused before any work (a NaN telemetry interval once
  // sampled in a busy loop and wrote a 183 MB result).
  void configNumbersAreValidated_data() {
    QTest::addColumn<double>("learningRate");
    QTest::addColumn<double>("interval");
    QTest::addColumn<bool>("valid");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    QTest::newRow("defaults") << 0.0 << 1.0 << true;
    QTest::newRow("rate nan") << nan << 1.0 << false;
    QTest::newRow("rate inf") << inf << 1.0 << false;
    QTest::newRow("rate negative") << -1.0 << 1.0 << false;
    QTest::newRow("rate 1e308") << 1e308 << 1.0 << false;
    QTest::newRow("rate 1e30") << 1e30 << 1.0 << true;  // diverges, as a user may want
    QTest::newRow("interval nan") << 0.0 << nan << false;
    QTest::newRow("interval 0") << 0.0 << 0.0 << false;
    QTest::newRow("interval inf") << 0.0 << inf << false;
  }
  void configNumbersAreValidated() {
    QFETCH(double, learningRate);
    QFETCH(double, interval);
    QFETCH(bool, valid);
    RunConfig config;
    config.learningRate = learningRate;
    config.telemetryIntervalSeconds = interval;
    QCOMPARE(runConfigProblem(config).empty(), valid);
  }

  // The sampler's own guard: std::chrono's >= is true for NaN, which let a NaN through.
  void samplerIntervalNeverNaN() {
    const TelemetrySampler sampler(std::chrono::duration<double>(std::nan("")),
                                   TelemetrySampler::Clock::now());
    QCOMPARE(sampler.interval().count(), 0.1);
    const TelemetrySampler huge(std::chrono::duration<double>(1e300),
                                TelemetrySampler::Clock::now());
    QCOMPARE(huge.interval().count(), 24.0 * 3600.0);
  }

  // `created` read as the time it names: offsets, fractions, and dates that do not exist.
  void createdTimes() {
    QCOMPARE(*createdSeconds("1970-01-01T00:00:10Z"), std::time_t{10});
    QCOMPARE(*createdSeconds("1970-01-01T00:00:10"), std::time_t{10});  // none written: UTC
    QCOMPARE(*createdSeconds("1970-01-01T01:00:10.250+01:00"), std::time_t{10});
    QCOMPARE(*createdSeconds("1969-12-31T20:30:10-03:30"), std::time_t{10});
    QVERIFY(!createdSeconds("2026-02-30T10:00:00Z"));  // timegm() would make it March 2
    QVERIFY(!createdSeconds("2026-12-02T10:00:00 UTC"));
    QVERIFY(!createdSeconds("garbage"));
    QCOMPARE(createdUtc("2026-12-06T10:00:00+14:00"), std::string("2026-12-05T20:00:00Z"));
    QCOMPARE(createdUtc("2026-12-06T10:00:00.5Z"), std::string("2026-12-06T10:00:00.5Z"));
    QCOMPARE(createdUtc("garbage"), std::string("garbage"));
    QCOMPARE(createdUtc("2026-12-06T10:00:00.250+05:30"), std::string("2026-12-06T04:30:00.250Z"));
    // ISO 8601's other spellings of an offset, as Qt (History) reads them; none beyond a clock's.
    QCOMPARE(*createdSeconds("1970-01-01T05:30:10+0530"), std::time_t{10});
    QCOMPARE(*createdSeconds("1970-01-01T05:00:10+05"), std::time_t{10});
    QVERIFY(!createdSeconds("2026-12-06T10:00:00+99:99"));
    QCOMPARE(createdUtc("2026-12-06T10:00:00+15:00"), std::string("2026-12-05T19:00:00Z"));
    QCOMPARE(createdUtc("2026-12-06T09:00:00z"), std::string("2026-12-06T09:00:00Z"));
    QVERIFY(!createdSeconds("2026-12-06T10:00:00+05:60"));
    QVERIFY(!createdSeconds("2026-12-06T10:00:00+5:30"));
    QCOMPARE(*createdSeconds("1969-12-31T23:59:59Z"), std::time_t{-1});  // timegm's -1, a time
    QVERIFY(createdBefore("2026-12-06T10:00:00+14:00", "2026-12-05T22:00:00Z"));
    QVERIFY(createdBefore("2026-12-05T22:00:00Z", "2026-12-05T22:00:00.5Z"));
    QVERIFY(createdBefore("2026-12-05T22:00:00Z", "garbage"));
    QVERIFY(!createdBefore("garbage", "2026-12-05T22:00:00Z"));
  }

  // The default name must sort by time and be a valid file name on every system.
  void defaultFileName() {
    RunResult r = RunResultBuilder()
                      .created("2026-11-26T14:30:00Z")
                      .workload("fashion-mlp")
                      .device("cuda:0", "GPU");
    QCOMPARE(defaultResultFileName(r), std::string("20261126T143000Z_fashion-mlp_cuda-0.json"));
    r.workload.name = "a/b c";
    r.device.id = "cpu";
    QCOMPARE(defaultResultFileName(r), std::string("20261126T143000Z_a-b-c_cpu.json"));
    // A foreign file's time with an offset is named in UTC: "+14:00" must not read "-1400",
    // and names must still sort by time.
    r.created = "2026-12-06T10:00:00+14:00";
    QCOMPARE(defaultResultFileName(r), std::string("20261205T200000Z_a-b-c_cpu.json"));
    r.created = "2026-12-05T19:00:00-03:30";
    QCOMPARE(defaultResultFileName(r), std::string("20261205T223000Z_a-b-c_cpu.json"));
    // A name never starts with '.': a hidden file no listing (History, compare DIR) shows.
    r.created = ".hidden";
    QCOMPARE(defaultResultFileName(r), std::string("_hidden_a-b-c_cpu.json"));
    // A foreign file's 300-character workload and device names still make a name that saves.
    r.workload.name = std::string(300, 'w');
    r.device.id = std::string(300, 'd');
    const std::string name = defaultResultFileName(r);
    QVERIFY(name.size() + 4 <= NAME_MAX);  // room for "-999"
    QTemporaryDir dir;
    writeResultFile(r, dir.filePath(QString::fromStdString(name)).toStdString());
    QCOMPARE(readResultFile(dir.filePath(QString::fromStdString(name)).toStdString()).workload.name,
             r.workload.name);
  }
};

QTEST_GUILESS_MAIN(TestResultSave)
#include "tst_result_save.moc"
