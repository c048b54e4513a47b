// End-to-end tests of trainbench-cli: the real binary ($TRAINBENCH_CLI) run with QProcess on small
// generated IDX files: the information commands, training runs, their output and the result
// files they save. Failures and exit codes: tst_cli_errors.cpp.
#include "devices/build_info.h"
#include "devices/system_info.h"

#include "../support/terminal_process.h"
#include "cli_fixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <QDeadlineTimer>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace clitest;

class TestCli : public CliTestBase {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { setUpFixture(); }
  void init() { startTest(); }

  // Bug reports and result files quote the version; --version must print it and succeed.
  void versionPrintsVersion() {
    const CliRun run = runCli({"--version"});
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.out.contains("trainbench-cli " + QString::fromStdString(tb::appVersion())),
             run.why());
    // ...and how it was built, as its results record it.
    QVERIFY2(run.out.contains(QString::fromStdString(tb::buildText(tb::thisBuild()))), run.why());
  }

  // The table is how users discover workload names; the seed MLP must show Keras's 101770.
  void workloadsListsFashionMlp() {
    const CliRun run = runCli({"workloads"});
    QVERIFY2(run.exitCode == 0, run.why());
    static const QRegularExpression row(
        QStringLiteral("^fashion-mlp\\s+fashion-mnist\\s+101770\\s"),
        QRegularExpression::MultilineOption);
    QVERIFY2(row.match(run.out).hasMatch(), run.why());
  }

  // Scripts read --json; it must be valid JSON carrying the same facts as the table.
  void workloadsJsonParses() {
    const CliRun run = runCli({"workloads", "--json"});
    QVERIFY2(run.exitCode == 0, run.why());
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError && doc.isArray(), run.why());
    bool found = false;
    for (const QJsonValue& entry : doc.array()) {
      if (entry[QLatin1String("name")].toString() != QLatin1String("fashion-mlp")) continue;
      found = true;
      QCOMPARE(entry[QLatin1String("parameters")].toInteger(), qint64{101770});
      QCOMPARE(entry[QLatin1String("dataset")].toString(), QStringLiteral("fashion-mnist"));
    }
    QVERIFY2(found, run.why());
  }

  // Every machine can train on its CPU, so the device list always has a cpu row.
  void devicesListsCpu() {
    const CliRun run = runCli({"devices"});
    QVERIFY2(run.exitCode == 0, run.why());
    static const QRegularExpression row(QStringLiteral("^cpu\\s+cpu\\s"),
                                        QRegularExpression::MultilineOption);
    QVERIFY2(row.match(run.out).hasMatch(), run.why());
    // The data folder it names must honour TRAINBENCH_DATA_DIR.
    QVERIFY2(run.out.contains(m_dataRoot), run.why());
  }

  // `devices --json` feeds scripts choosing --device; it must parse and list cpu first.
  void devicesJsonParses() {
    const CliRun run = runCli({"devices", "--json"});
    QVERIFY2(run.exitCode == 0, run.why());
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError && doc.isArray() && !doc.array().isEmpty(),
             run.why());
    const QJsonValue cpu = doc.array().first();
    QCOMPARE(cpu[QLatin1String("id")].toString(), QStringLiteral("cpu"));
    QCOMPARE(cpu[QLatin1String("kind")].toString(), QStringLiteral("cpu"));
    QVERIFY(cpu[QLatin1String("logical_cores")].toInt() >= 1);
    // The precisions it can train in: fp32 always, and the table says the same as the JSON.
    QStringList precisions;
    for (const QJsonValue& precision : cpu[QLatin1String("precisions")].toArray()) {
      precisions << precision.toString();
    }
    QVERIFY2(precisions.contains(QStringLiteral("fp32")), run.why());
    const CliRun table = runCli({"devices"});
    QVERIFY2(table.out.contains(QRegularExpression(
                 QStringLiteral("^cpu\\s+cpu\\s+") +
                     QRegularExpression::escape(precisions.join(u',')) + QStringLiteral("\\s"),
                 QRegularExpression::MultilineOption)),
             qPrintable(table.out));
    // The BLAS: the same library the table names, or null where none was found.
    QVERIFY(cpu.toObject().contains(QLatin1String("blas")));
    const QJsonValue blas = cpu[QLatin1String("blas")];
    const QString named = blas.isNull() ? QStringLiteral("not found") : blas.toString();
    QVERIFY2(!named.isEmpty() && table.out.contains(QStringLiteral("CPU BLAS: ") + named + ';'),
             qPrintable(table.out));
  }

  // Files of the published set's sizes (and test images per class) train as "files"; others,
  // such as a part of a dataset saved as files of its own, as "custom files", said as the run
  // starts and in its warnings: such runs compare apart from runs on the published files.
  void customFilesAreToldApart() {
    const QString published = path(QStringLiteral("published"));
    QVERIFY(QDir().mkpath(published));
    const auto labels = [](std::uint32_t count) {
      Bytes values(count);
      for (std::uint32_t i = 0; i < count; ++i) values[i] = static_cast<std::uint8_t>(i % 10);
      return tbtest::idxLabelFile(values);
    };
    const auto images = [](std::uint32_t count) {
      return tbtest::idxImageFile(count, 28, 28, Bytes(std::size_t{count} * 28 * 28, 0));
    };
    QVERIFY(writeFile(published + "/train-images-idx3-ubyte", images(60000)));
    QVERIFY(writeFile(published + "/train-labels-idx1-ubyte", labels(60000)));
    QVERIFY(writeFile(published + "/t10k-images-idx3-ubyte", images(10000)));
    QVERIFY(writeFile(published + "/t10k-labels-idx1-ubyte", labels(10000)));
    QString error;
    const CliRun part = runCli({"run", "--workload", "fashion-mlp", "--data-dir", published,
                                "--train-limit", "256", "--test-limit", "64", "--epochs", "1",
                                "--threads", "1"});
    QVERIFY2(part.exitCode == 0, part.why());
    const tb::RunResult partResult = readResult(part.savedPath(), error);
    QCOMPARE(partResult.workload.dataSource, std::string("files"));
    QVERIFY(partResult.workload.dataFingerprint.empty());  // the source says which files
    QVERIFY2(!part.err.contains(QLatin1String("not the published")), part.why());

    const CliRun own = runCli({"run", "--workload", "fashion-mlp", "--data-dir", m_data,
                               "--epochs", "1", "--threads", "1"});
    QVERIFY2(own.exitCode == 0, own.why());
    QVERIFY2(own.out.contains(QLatin1String("(custom files, not the published set)")), own.why());
    const QString why = QStringLiteral(
        "not the published Fashion-MNIST (the files hold 256 training and 64 test images; the "
        "published set has 60000 and 10000)");
    QVERIFY2(own.err.contains(why), own.why());
    const tb::RunResult result = readResult(own.savedPath(), error);
    QCOMPARE(result.workload.dataSource, std::string("custom files"));
    // Its fingerprint tells it from other custom files of its size, and `show` says it.
    const QString fingerprint = QString::fromStdString(result.workload.dataFingerprint);
    QVERIFY2(QRegularExpression("^crc32 [0-9a-f]{8}$").match(fingerprint).hasMatch(),
             qPrintable(fingerprint));
    const CliRun show = runCli({"show", own.savedPath()});
    QVERIFY2(show.out.contains("data: custom files, " + fingerprint + " (256 train"), show.why());
    // Among the run's warnings: a busy or battery-powered machine's come first.
    QVERIFY(result.validity);
    const auto& warnings = result.validity->warnings;
    QVERIFY2(std::any_of(warnings.begin(), warnings.end(),
                         [&](const std::string& warning) {
                           return QString::fromStdString(warning).contains(why);
                         }),
             own.why());
  }

  // Every 64-bit seed trains its own way on real files (where the data is the same whatever the
  // seed): LibTorch keeps 32 bits of a seed, and 42 + 2^32 trained exactly as 42.
  void seedsApartInTheirHighBitsTrainApart() {
    std::vector<tb::RunResult> results;
    for (const char* seed : {"42", "4294967338", "42"}) {
      const CliRun run = runCli({"run", "--workload", "fashion-mlp", "--data-dir", m_data,
                                 "--epochs", "1", "--threads", "1", "--seed", seed, "-q"});
      QVERIFY2(run.exitCode == 0, run.why());
      QString error;
      results.push_back(readResult(run.savedPath(), error));
      QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    QCOMPARE(results[0].epochs.at(0).trainLoss, results[2].epochs.at(0).trainLoss);  // same seed: same run
    QVERIFY(results[0].epochs.at(0).trainLoss != results[1].epochs.at(0).trainLoss);
    QCOMPARE(results[1].config.seed, std::uint64_t{4294967338});
  }

  // The main use: train on IDX files (plain and .gz), print the seed's four lines, save a result.
  void runOnIdxFilesPrintsSeedLinesAndSaves() {
    const CliRun run = runCli({"run", "--workload", "fashion-mlp", "--data-dir", m_data, "--epochs",
                               "2", "--threads", "1", "--telemetry-interval", "0.1"});
    QVERIFY2(run.exitCode == 0, run.why());
    // Nothing on stderr but the one warning that these small files are not the published set.
    const QStringList errLines = run.err.split(u'\n', Qt::SkipEmptyParts);
    QVERIFY2(errLines.size() == 1 && errLines[0].contains(QLatin1String("not the published")),
             run.why());

    // The seed's four lines, exactly once each, in order, then the saved path.
    const QStringList lines = run.out.split('\n');
    const int first =
        static_cast<int>(lines.indexOf(QStringLiteral("Training set contained 256 images")));
    QVERIFY2(first >= 0 && first + 4 < lines.size(), run.why());
    QVERIFY2(lines.count(lines[first]) == 1, run.why());
    QCOMPARE(lines[first + 1], QStringLiteral("Testing set contained 64 images"));
    const auto accuracy =
        QRegularExpression(QStringLiteral("^Model achieved (\\d\\.\\d\\d) testing accuracy$"))
            .match(lines[first + 2]);
    QVERIFY2(accuracy.hasMatch(), run.why());
    const auto seconds =
        QRegularExpression(QStringLiteral("^Training and testing took (\\d+\\.\\d\\d) seconds$"))
            .match(lines[first + 3]);
    QVERIFY2(seconds.hasMatch(), run.why());
    QVERIFY2(lines[first + 4].startsWith(QLatin1String("Result saved to ")), run.why());
    QVERIFY2(run.out.count(QLatin1String("testing accuracy")) == 1, run.why());

    const QStringList saved = run.savedPaths();
    QCOMPARE(saved.size(), 1);
    QCOMPARE(QFileInfo(saved[0]).absolutePath(), QFileInfo(m_results).absoluteFilePath());
    QString error;
    const tb::RunResult result = readResult(saved[0], error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(statusOf(result), QStringLiteral("completed"));
    QCOMPARE(result.config.epochs, 2);
    QCOMPARE(result.config.threads, 1);
    QCOMPARE(result.epochs.size(), std::size_t{2});
    // Not the published set's sizes: files of one's own (customFilesAreToldApart).
    QCOMPARE(QString::fromStdString(result.workload.dataSource), QStringLiteral("custom files"));
    QCOMPARE(result.workload.trainSamples, std::int64_t{kTrainImages});
    QCOMPARE(result.workload.testSamples, std::int64_t{kTestImages});
    QCOMPARE(QString::fromStdString(result.device.id), QStringLiteral("cpu"));
    QVERIFY(result.test.has_value() && result.totalSeconds.has_value());
    QCOMPARE(accuracy.captured(1), QString::number(result.test->accuracy, 'f', 2));
    QCOMPARE(seconds.captured(1), QString::number(*result.totalSeconds, 'f', 2));
    // The timeline is written (a run this short may end before its first sample: tst_trainer
    // and tst_cli_errors check samples themselves).
    QFile file(saved[0]);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonValue timeline = QJsonDocument::fromJson(file.readAll())[QLatin1String("timeline")];
    QVERIFY(timeline.isArray());
    QCOMPARE(static_cast<std::size_t>(timeline.toArray().size()), result.timeline.size());
  }

  // Without --data-dir the data come from $TRAINBENCH_DATA_DIR/fashion-mnist/.
  void runFindsDefaultDataFolder() {
    const QString root = path(QStringLiteral("data-root-filled"));
    QVERIFY(writeDataset(root + "/fashion-mnist"));
    const QString saved = m_dataRoot;
    m_dataRoot = root;
    const CliRun run = runCli({"run", "--epochs", "1", "--threads", "1", "--quiet"});
    m_dataRoot = saved;
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.out.contains(QLatin1String("Training set contained 256 images")), run.why());
  }

  // --out FILE must write exactly there and nowhere else.
  void outFileWritesExactlyThere() {
    const QString target = path(QStringLiteral("out-file/sub/my-run.json"));
    const CliRun run = runCli(smallSyntheticRun() << "--out" << target);
    QVERIFY2(run.exitCode == 0, run.why());
    QCOMPARE(run.savedPaths(), QStringList{target});
    QCOMPARE(filesIn(QFileInfo(target).absolutePath()), QStringList{QStringLiteral("my-run.json")});
    QString error;
    QCOMPARE(statusOf(readResult(target, error)), QStringLiteral("completed"));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // --out DIR/ (trailing slash, folder not yet there) names the file automatically inside it.
  void outDirWritesAutoNamedFile() {
    const QString folder = path(QStringLiteral("out-dir/new/"));
    const CliRun run = runCli(smallSyntheticRun() << "--out" << folder);
    QVERIFY2(run.exitCode == 0, run.why());
    const QStringList files = filesIn(folder);
    QCOMPARE(files.size(), 1);
    QVERIFY2(QRegularExpression(QStringLiteral("^\\d{8}T\\d{6}Z_fashion-mlp_cpu\\.json$"))
                 .match(files[0])
                 .hasMatch(),
             qPrintable(files[0]));
    QCOMPARE(run.savedPaths().size(), 1);
    QCOMPARE(QFileInfo(run.savedPaths()[0]).canonicalFilePath(),
             QFileInfo(folder + files[0]).canonicalFilePath());
  }

  // Synthetic results must never pass for real-data ones.
  void syntheticIsRecorded() {
    const CliRun run = runCli(smallSyntheticRun());
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.out.contains(QLatin1String("(synthetic data)")), run.why());
    QCOMPARE(run.savedPaths().size(), 1);
    QString error;
    const tb::RunResult result = readResult(run.savedPaths()[0], error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(QString::fromStdString(result.workload.dataSource), QStringLiteral("synthetic"));
  }

  void twoDevicesSaveTwoFilesAndCompare_data() {
    QTest::addColumn<QString>("out");
    QTest::newRow("default-folder") << QString();
    QTest::newRow("out-file") << QStringLiteral("two-devices/run.json");
  }
  // Repeated --device runs each device in turn: one result file per run, then a comparison.
  void twoDevicesSaveTwoFilesAndCompare() {
    QFETCH(QString, out);
    QStringList args = smallSyntheticRun() + QStringList{"--device", "cpu", "--device", "cpu"};
    if (!out.isEmpty()) args << "--out" << path(out);
    const CliRun run = runCli(args);
    QVERIFY2(run.exitCode == 0, run.why());
    // Trained as asked, but --repeat may have been meant: said before the runs.
    QVERIFY2(
        run.err.contains(QLatin1String("trainbench-cli: warning: --device: cpu is given twice: "
                                       "it trains once for each")),
        run.why());
    const QStringList saved = run.savedPaths();
    QCOMPARE(saved.size(), 2);
    // Both runs finish within one second, so a name from the time and device alone collides.
    QVERIFY2(saved[0] != saved[1], run.why());
    QCOMPARE(filesIn(QFileInfo(saved[0]).absolutePath()).size(), 2);
    for (const QString& file : saved) {
      QString error;
      QCOMPARE(statusOf(readResult(file, error)), QStringLiteral("completed"));
      QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    QVERIFY2(run.out.contains(QLatin1String("| Speed-up |")), run.why());
    // The same configuration twice is a repeat: one Markdown row with n = 2, the baseline.
    static const QRegularExpression row(
        // (A busy test machine may mark the row disturbed: "⚠ cpu".)
        QStringLiteral("^\\| 1 \\| (\u26a0 )?cpu .*\\| 2 \\|.*\\*\\*1\\.00x\\*\\* \\(baseline\\) \\| completed \\|$"),
        QRegularExpression::MultilineOption);
    QVERIFY2(row.match(run.out).hasMatch(), run.why());
  }

  // Logs and CI capture stdout: no progress bar, no '\r', one plain line per epoch.
  void pipedOutputHasPlainEpochLines() {
    const CliRun run = runCli(smallSyntheticRun(QStringLiteral("2")));
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(!run.out.contains('\r') && !run.out.contains(QLatin1String("\033[")), run.why());
    static const QRegularExpression epoch(QStringLiteral("^Epoch (\\d)/2 - ([0-9.]+)(s|ms) - "),
                                          QRegularExpression::MultilineOption);
    QStringList epochs;
    QList<double> shownSeconds;
    for (auto it = epoch.globalMatch(run.out); it.hasNext();) {
      const QRegularExpressionMatch line = it.next();
      epochs << line.captured(1);
      const double scale = line.captured(3) == QLatin1String("ms") ? 1e-3 : 1.0;
      shownSeconds << line.captured(2).toDouble() * scale;
    }
    QCOMPARE(epochs, (QStringList{"1", "2"}));
    // Each line's time is the saved epoch's, to its last shown digit: a few-millisecond epoch
    // read "0.00s" before.
    QString error;
    const tb::RunResult result = readResult(run.savedPaths().value(0), error);
    QVERIFY2(error.isEmpty() && result.epochs.size() == 2, qPrintable(error));
    for (int i = 0; i < 2; ++i) {
      QVERIFY2(shownSeconds[i] > 0.0, qPrintable(run.out));
      QVERIFY2(std::abs(shownSeconds[i] - result.epochs[i].seconds) <= 0.05 * shownSeconds[i] + 5e-5,
               qPrintable(run.out));
    }
  }

  // On a terminal the bar ends each epoch with its time per step as Keras writes it: a step
  // under a millisecond in microseconds ("1ms/step" beside a 0.4 ms median; a GPU read 0ms).
  void terminalBarGivesTheTimePerStep() {
    int exitCode = -1;
    const QByteArray shown =
        onTerminal(smallSyntheticRun(QStringLiteral("2")) << "--out" << m_results + '/', exitCode);
    QCOMPARE(exitCode, 0);
    QVERIFY2(shown.contains('\r'), shown.constData());  // the live bar, not plain lines

    const QString saved = filesIn(m_results).value(0);
    QString error;
    const tb::RunResult result = readResult(QDir(m_results).filePath(saved), error);
    QVERIFY2(error.isEmpty() && result.epochs.size() == 2, qPrintable(error));
    static const QRegularExpression perStep(QStringLiteral(" (\\d+)(s|ms|us)/step - "));
    QList<QRegularExpressionMatch> ends;
    for (auto it = perStep.globalMatch(QString::fromUtf8(shown)); it.hasNext();) ends << it.next();
    QCOMPARE(ends.size(), 2);
    const double steps = std::ceil(256.0 / 32.0);
    for (int epoch = 0; epoch < 2; ++epoch) {
      // The largest unit that keeps the figure at 1 or more.
      const double seconds = result.epochs[epoch].seconds / steps;
      const auto [unit, scale] = seconds >= 1.0    ? std::pair{QStringLiteral("s"), 1.0}
                                 : seconds >= 1e-3 ? std::pair{QStringLiteral("ms"), 1e3}
                                                   : std::pair{QStringLiteral("us"), 1e6};
      QCOMPARE(ends[epoch].captured(2), unit);
      QCOMPARE(ends[epoch].captured(1).toDouble(), std::round(seconds * scale));
    }
  }

  // An epoch the time budget cut short ends its bar at the steps it trained, not full: it drew
  // "8/8 [=====]" and a time per step over all eight.
  void terminalBarShowsAnEpochCutShort() {
    int exitCode = -1;
    const QByteArray shown = onTerminal(smallSyntheticRun(QStringLiteral("100000")) << "--time-budget"
                                                                              << "5" << "--out"
                                                                              << m_results + '/',
                                        exitCode);
    QCOMPARE(exitCode, 0);
    QString error;
    const tb::RunResult result =
        readResult(QDir(m_results).filePath(filesIn(m_results).value(0)), error);
    QVERIFY2(error.isEmpty() && result.projection, qPrintable(error));
    // The last bar of each epoch: "N/8 [...] - 0s 1ms/step - loss ...".
    static const QRegularExpression end(QStringLiteral("(\\d+)/8 \\[[=>.]+\\] - \\S+ \\d+(?:s|ms|us)/step - "));
    QList<int> steps;
    for (QByteArray line : shown.split('\n')) {
      while (line.endsWith('\r')) line.chop(1);  // the terminal ends lines in "\r\n"
      const auto match = end.match(QString::fromUtf8(line.mid(line.lastIndexOf('\r') + 1)));
      if (match.hasMatch()) steps << match.captured(1).toInt();
    }
    QCOMPARE(steps.size(), static_cast<qsizetype>(result.epochs.size()));
    const auto& last = result.epochs.back();
    const int trained = static_cast<int>(std::ceil(last.seconds * last.samplesPerSecond / 32.0 - 1e-6));
    QVERIFY(trained >= 1 && trained <= 8);
    QCOMPARE(steps.back(), trained);
    for (int epoch = 0; epoch + 1 < steps.size(); ++epoch) QCOMPARE(steps[epoch], 8);
  }

  // A bar longer than the terminal wrapped, and each redraw erased only its last row: on an
  // 80-column terminal every redraw (20 a second) left a row behind. Redrawn lines keep to the
  // width, dropping whole fields (a cut figure would read as another); the epoch's closing
  // line, drawn once, keeps its loss and accuracy whole, and fits 80 columns too.
  void terminalBarKeepsToANarrowTerminal_data() {
    QTest::addColumn<int>("columns");
    QTest::newRow("60 columns") << 60;
    QTest::newRow("80 columns") << 80;
  }
  void terminalBarKeepsToANarrowTerminal() {
    QFETCH(int, columns);
    int exitCode = -1;
    const QStringList args = {"run",       "--synthetic", "--train-limit", "30000", "--test-limit", "64",
                              "--epochs",  "1",           "--threads",     "1",     "--out",        m_results + '/'};
    const QByteArray shown = onTerminal(args, exitCode, columns);
    QCOMPARE(exitCode, 0);
    static const QRegularExpression wholeFields(
        QStringLiteral("\\] - ETA: \\S+( - loss: \\d+\\.\\d{4}( - accuracy: \\d\\.\\d{4})?)?$"));
    int redraws = 0;
    QByteArray closing;
    for (QByteArray line : shown.split('\n')) {
      while (line.endsWith('\r')) line.chop(1);
      for (QByteArray drawn : line.split('\r')) {
        drawn.replace("\033[K", "");
        if (drawn.contains("ETA: ")) {
          ++redraws;
          QVERIFY2(drawn.size() < columns, drawn.constData());
          QVERIFY2(wholeFields.match(QString::fromUtf8(drawn)).hasMatch(), drawn.constData());
        } else if (drawn.contains("/step - ")) {
          closing = drawn;
        }
      }
    }
    QVERIFY2(redraws > 0, shown.constData());
    QVERIFY2(QRegularExpression(QStringLiteral("^938/938 \\[=+\\] - .* - accuracy: \\d\\.\\d{4}$"))
                 .match(QString::fromUtf8(closing))
                 .hasMatch(),
             closing.constData());
    if (columns == 80) QVERIFY2(closing.size() < columns, closing.constData());
  }

  // A terminal that cannot erase a line (TERM=dumb) gets the plain epoch lines, not the bar's
  // escapes and every redraw.
  void dumbTerminalGetsPlainLines() {
    int exitCode = -1;
    const QByteArray shown = onTerminal(smallSyntheticRun(QStringLiteral("2")), exitCode, 80, "dumb");
    QCOMPARE(exitCode, 0);
    QVERIFY2(!shown.contains("\033[") && shown.contains("Epoch 2/2 - "), shown.constData());
  }

 private:
  // Runs trainbench-cli with its output on a terminal (where it draws the progress bar) of
  // `columns` columns and the given TERM.
  QByteArray onTerminal(const QStringList& args, int& exitCode, int columns = 80,
                        const QString& term = QStringLiteral("xterm")) const {
    return tbtest::runOnTerminal(m_cli, args, environment(), exitCode, columns, term);
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
