// End-to-end tests of trainbench-cli: the real binary ($TRAINBENCH_CLI) run with QProcess on small
// generated IDX files, its stdout/stderr, exit codes and the result files it saves. Every process
// gets TRAINBENCH_RESULTS_DIR, TRAINBENCH_DATA_DIR and XDG_DATA_HOME inside a QTemporaryDir.
#include "devices/device_id.h"
#include "devices/system_info.h"
#include "results/result_file.h"

#include <zlib.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace {

using Bytes = std::vector<std::uint8_t>;

constexpr int kTrainImages = 256;
constexpr int kTestImages = 64;

void appendBigEndian32(Bytes& bytes, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8)
    bytes.push_back(static_cast<std::uint8_t>(value >> shift));
}

// An IDX image file of `count` 28x28 images with random pixels.
Bytes imageFile(std::uint32_t count, QRandomGenerator& random) {
  Bytes bytes;
  for (std::uint32_t field : {0x00000803u, count, 28u, 28u}) appendBigEndian32(bytes, field);
  for (std::uint32_t i = 0; i < count * 28 * 28; ++i) {
    bytes.push_back(static_cast<std::uint8_t>(random.bounded(256)));
  }
  return bytes;
}

// An IDX label file of `count` random labels 0..9.
Bytes labelFile(std::uint32_t count, QRandomGenerator& random) {
  Bytes bytes;
  appendBigEndian32(bytes, 0x00000801);
  appendBigEndian32(bytes, count);
  for (std::uint32_t i = 0; i < count; ++i)
    bytes.push_back(static_cast<std::uint8_t>(random.bounded(10)));
  return bytes;
}

// Writes `bytes` to `path`, gzip-compressed when the name ends in ".gz"; false on any failure.
bool writeFile(const QString& path, const Bytes& bytes) {
  if (path.endsWith(QLatin1String(".gz"))) {
    gzFile file = gzopen(QFile::encodeName(path).constData(), "wb");
    if (file == nullptr) return false;
    const bool written = gzwrite(file, bytes.data(), static_cast<unsigned>(bytes.size())) ==
                         static_cast<int>(bytes.size());
    return gzclose(file) == Z_OK && written;
  }
  QFile file(path);
  const auto size = static_cast<qint64>(bytes.size());
  return file.open(QIODevice::WriteOnly) &&
         file.write(reinterpret_cast<const char*>(bytes.data()), size) == size;
}

// What one finished (or killed) CLI process left behind.
struct CliRun {
  int exitCode = -1;  // -1 when it crashed, was killed or timed out
  QString out;
  QString err;
  QByteArray report;  // arguments, exit code and both streams, for failure messages

  const char* why() const { return report.constData(); }
  QStringList savedPaths() const {
    QStringList paths;
    static const QRegularExpression saved(QStringLiteral("^Result saved to (.+)$"),
                                          QRegularExpression::MultilineOption);
    for (auto it = saved.globalMatch(out); it.hasNext();) paths << it.next().captured(1);
    return paths;
  }
};

QStringList smallSyntheticRun(const QString& epochs = QStringLiteral("1")) {
  return {"run", "--synthetic", "--train-limit", "256",       "--test-limit",
          "64",  "--epochs",    epochs,          "--threads", "1"};
}

// readResultFile without letting an exception escape into Qt Test; `error` says what went wrong.
tb::RunResult readResult(const QString& file, QString& error) {
  try {
    return tb::readResultFile(file.toStdString());
  } catch (const std::exception& e) {
    error = QString::fromUtf8(e.what());
    return {};
  }
}

QString statusOf(const tb::RunResult& result) {
  return QString::fromLatin1(tb::toString(result.status));
}

// Every file in `folder`, hidden ones (a leftover ".name.tmp-XXXXXX") included.
QStringList filesIn(const QString& folder) {
  return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDir::Name);
}

}  // namespace

class TestCli : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  QString m_cli;
  QString m_data;      // the four IDX files: 256 train / 64 test, plain and .gz mixed
  QString m_results;   // TRAINBENCH_RESULTS_DIR: one fresh folder per test function (and row)
  QString m_dataRoot;  // TRAINBENCH_DATA_DIR: empty unless a test fills it
  QRandomGenerator m_random{20261126};

  QString path(const QString& name) const { return m_dir.filePath(name); }

  // Writes an MNIST-layout folder; the train labels and test images are gzip-compressed.
  bool writeDataset(const QString& folder, Bytes* testImages = nullptr,
                    Bytes* trainLabels = nullptr) {
    Bytes images = imageFile(kTestImages, m_random);
    Bytes labels = labelFile(kTrainImages, m_random);
    if (testImages != nullptr) *testImages = images;
    if (trainLabels != nullptr) *trainLabels = labels;
    return QDir().mkpath(folder) &&
           writeFile(folder + "/train-images-idx3-ubyte", imageFile(kTrainImages, m_random)) &&
           writeFile(folder + "/train-labels-idx1-ubyte.gz", labels) &&
           writeFile(folder + "/t10k-images-idx3-ubyte.gz", images) &&
           writeFile(folder + "/t10k-labels-idx1-ubyte", labelFile(kTestImages, m_random));
  }

  QProcessEnvironment environment() const {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("TRAINBENCH_RESULTS_DIR"), m_results);
    env.insert(QStringLiteral("TRAINBENCH_DATA_DIR"), m_dataRoot);
    env.insert(QStringLiteral("XDG_DATA_HOME"), path(QStringLiteral("xdg")));
    return env;
  }

  CliRun runCli(const QStringList& args, int timeoutMs = 60000) const {
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(m_cli, args);
    CliRun run;
    const bool finished = process.waitForStarted() && process.waitForFinished(timeoutMs);
    if (!finished) {
      process.kill();
      process.waitForFinished();
    }
    if (finished && process.exitStatus() == QProcess::NormalExit) run.exitCode = process.exitCode();
    run.out = QString::fromUtf8(process.readAllStandardOutput());
    run.err = QString::fromUtf8(process.readAllStandardError());
    run.report =
        ("trainbench-cli " + args.join(' ') + "\nexit code " + QString::number(run.exitCode) +
         (finished ? "" : " (timed out)") + "\n--- stdout:\n" + run.out + "--- stderr:\n" + run.err)
            .toUtf8();
    return run;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_cli = qEnvironmentVariable("TRAINBENCH_CLI");
    QVERIFY2(QFileInfo(m_cli).isExecutable(), "TRAINBENCH_CLI must name the built trainbench-cli");
    m_data = path(QStringLiteral("fashion"));
    QVERIFY(writeDataset(m_data));
    m_dataRoot = path(QStringLiteral("data-root"));
    QVERIFY(QDir().mkpath(m_dataRoot));
  }

  void init() {
    QString name = QString::fromLatin1(QTest::currentTestFunction());
    if (QTest::currentDataTag() != nullptr)
      name += '_' + QString::fromLatin1(QTest::currentDataTag());
    m_results = path(QStringLiteral("results/") + name);
  }

  // Bug reports and result files quote the version; --version must print it and succeed.
  void versionPrintsVersion() {
    const CliRun run = runCli({"--version"});
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.out.contains("trainbench-cli " + QString::fromStdString(tb::appVersion())),
             run.why());
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
  }

  // The main use: train on IDX files (plain and .gz), print the seed's four lines, save a result.
  void runOnIdxFilesPrintsSeedLinesAndSaves() {
    const CliRun run = runCli({"run", "--workload", "fashion-mlp", "--data-dir", m_data, "--epochs",
                               "2", "--threads", "1", "--telemetry-interval", "0.1"});
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.err.isEmpty(), run.why());

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
    QCOMPARE(QString::fromStdString(result.workload.dataSource), QStringLiteral("files"));
    QCOMPARE(result.workload.trainSamples, std::int64_t{kTrainImages});
    QCOMPARE(result.workload.testSamples, std::int64_t{kTestImages});
    QCOMPARE(QString::fromStdString(result.device.id), QStringLiteral("cpu"));
    QVERIFY(result.test.has_value() && result.totalSeconds.has_value());
    QCOMPARE(accuracy.captured(1), QString::number(result.test->accuracy, 'f', 2));
    QCOMPARE(seconds.captured(1), QString::number(*result.totalSeconds, 'f', 2));
    for (const auto& sample : result.timeline)
      QVERIFY(sample.t >= 0 && sample.t <= *result.totalSeconds + 1);
    QFile file(saved[0]);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(QJsonDocument::fromJson(file.readAll())[QLatin1String("timeline")].isArray());
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
    // One Markdown row per run, the first the 1.00x baseline.
    static const QRegularExpression row(QStringLiteral("^\\| cpu .*\\| \\d+\\.\\d\\dx \\| completed \\|$"),
                                        QRegularExpression::MultilineOption);
    int rows = 0;
    for (auto it = row.globalMatch(run.out); it.hasNext(); it.next()) ++rows;
    QVERIFY2(rows == 2, run.why());
  }

  // Logs and CI capture stdout: no progress bar, no '\r', one plain line per epoch.
  void pipedOutputHasPlainEpochLines() {
    const CliRun run = runCli(smallSyntheticRun(QStringLiteral("2")));
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(!run.out.contains('\r') && !run.out.contains(QLatin1String("\033[")), run.why());
    static const QRegularExpression epoch(QStringLiteral("^Epoch (\\d)/2 - "),
                                          QRegularExpression::MultilineOption);
    QStringList epochs;
    for (auto it = epoch.globalMatch(run.out); it.hasNext();) epochs << it.next().captured(1);
    QCOMPARE(epochs, (QStringList{"1", "2"}));
  }

  void badFlagExitsTwo_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("named");
    QTest::newRow("epochs0") << (QStringList{"run", "--synthetic", "--epochs", "0"}) << "--epochs";
    QTest::newRow("bogus") << (QStringList{"run", "--synthetic", "--bogus"}) << "--bogus";
    QTest::newRow("workload") << (QStringList{"run", "--workload", "nope"}) << "--workload";
    QTest::newRow("interval") << (QStringList{"run", "--telemetry-interval", "0"})
                              << "--telemetry-interval";
    QTest::newRow("no-command") << QStringList{} << "subcommand";
  }
  // Usage errors must exit 2 before any training and say which flag is wrong.
  void badFlagExitsTwo() {
    QFETCH(QStringList, args);
    QFETCH(QString, named);
    const CliRun run = runCli(args);
    QVERIFY2(run.exitCode == 2, run.why());
    QVERIFY2(run.err.contains(named), run.why());
    QVERIFY(filesIn(m_results).isEmpty());
  }

  // A download cut short by one byte must fail as a data error naming the file, not train on junk.
  void truncatedImageFileExitsThree() {
    const QString folder = path(QStringLiteral("truncated"));
    Bytes images;
    QVERIFY(writeDataset(folder, &images));
    images.pop_back();
    const QString broken = folder + "/t10k-images-idx3-ubyte.gz";
    QVERIFY(writeFile(broken, images));
    const CliRun run = runCli({"run", "--data-dir", folder, "--epochs", "1", "--threads", "1"});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(broken) && run.err.contains(QLatin1String("truncated")), run.why());
  }

  // A label of 10 would index past the 10 outputs; it must be a data error naming the file.
  void labelOutOfRangeExitsThree() {
    const QString folder = path(QStringLiteral("label10"));
    Bytes labels;
    QVERIFY(writeDataset(folder, nullptr, &labels));
    labels[8 + 17] = 10;
    const QString broken = folder + "/train-labels-idx1-ubyte.gz";
    QVERIFY(writeFile(broken, labels));
    const CliRun run = runCli({"run", "--data-dir", folder, "--epochs", "1", "--threads", "1"});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(broken) && run.err.contains(QLatin1String("label 10")), run.why());
  }

  // A first run without data is the most common mistake; the message must point to --synthetic.
  void missingDataExitsThreeSuggestingSynthetic() {
    const CliRun run = runCli({"run", "--epochs", "1", "--threads", "1"});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--synthetic")) && run.err.contains(m_dataRoot),
             run.why());
    const CliRun empty =
        runCli({"run", "--data-dir", path(QStringLiteral("xdg")), "--epochs", "1"});
    QVERIFY2(empty.exitCode == 3 && empty.err.contains(QLatin1String("--synthetic")), empty.why());
  }

  void unavailableDeviceExitsFour_data() {
    QTest::addColumn<QString>("device");
    QTest::newRow("cuda:3") << "cuda:3";
    QTest::newRow("tpu") << "tpu";
  }
  // A device typo or missing GPU must fail at once (exit 4), saying which devices exist.
  void unavailableDeviceExitsFour() {
    QFETCH(QString, device);
    const auto available = tb::availableDevices();
    if (std::find(available.begin(), available.end(), device.toStdString()) != available.end()) {
      QSKIP("this machine really has that device");
    }
    const CliRun run =
        runCli(smallSyntheticRun() + QStringList{"--device", "cpu", "--device", device});
    QVERIFY2(run.exitCode == 4, run.why());
    QVERIFY2(run.err.contains(QLatin1String("--device")) && run.err.contains(device), run.why());
    QVERIFY2(
        QRegularExpression(QStringLiteral("available[^\\n]*\\bcpu\\b")).match(run.err).hasMatch(),
        run.why());
    // Every device is checked before the first (cpu) one trains, so nothing was saved.
    QVERIFY2(run.savedPaths().isEmpty() && filesIn(m_results).isEmpty(), run.why());
  }

  // `show` is how a saved run is read back on a headless machine.
  void showPrintsSavedResult() {
    const CliRun run = runCli(smallSyntheticRun(QStringLiteral("2")));
    QVERIFY2(run.exitCode == 0 && run.savedPaths().size() == 1, run.why());
    const CliRun show = runCli({"show", run.savedPaths()[0]});
    QVERIFY2(show.exitCode == 0, show.why());
    QVERIFY2(show.out.startsWith(QLatin1String("fashion-mlp on cpu (")), show.why());
    QVERIFY2(show.out.contains(QLatin1String("completed")) &&
                 show.out.contains(QLatin1String("2 epochs")),
             show.why());
    QVERIFY2(show.out.contains(QLatin1String("synthetic (256 train / 64 test)")), show.why());
    static const QRegularExpression epochRow(QStringLiteral("^\\s+[12]\\s+\\d+\\.\\d{4}\\s"),
                                             QRegularExpression::MultilineOption);
    int rows = 0;
    for (auto it = epochRow.globalMatch(show.out); it.hasNext(); it.next()) ++rows;
    QVERIFY2(rows == 2, show.why());
  }

  // A damaged result file must be a clean data error naming it, never a crash.
  void showMalformedFileExitsThree() {
    const QString file = path(QStringLiteral("malformed.json"));
    QFile broken(file);
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write("{\"schema\": \"trainbench-result/1\", \"status\": ");
    broken.close();
    const CliRun run = runCli({"show", file});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(file), run.why());
  }

  // Ctrl-C must stop within a batch, exit 130 and still save a complete, valid "cancelled" file.
  void sigintCancelsAndSavesCancelledResult() {
    const QString folder = path(QStringLiteral("cancelled/"));
    QProcess process;
    process.setProcessEnvironment(environment());
    process.start(m_cli,
                  {"run", "--synthetic", "--epochs", "50", "--train-limit", "60000", "--test-limit",
                   "64", "--threads", "1", "--telemetry-interval", "0.1", "--out", folder});
    QVERIFY(process.waitForStarted());
    // The header line is printed once training starts, long after the SIGINT handler is set.
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    while (!out.contains("training /") && process.state() == QProcess::Running &&
           timer.elapsed() < 60000) {
      process.waitForReadyRead(100);
      out += process.readAllStandardOutput();
    }
    QVERIFY2(out.contains("training /"), out.constData());
    timer.restart();
    while (!out.contains("Epoch 1/50") && process.state() == QProcess::Running &&
           timer.elapsed() < 1500) {
      process.waitForReadyRead(50);
      out += process.readAllStandardOutput();
    }
    QCOMPARE(process.state(), QProcess::Running);
    QCOMPARE(::kill(static_cast<pid_t>(process.processId()), SIGINT), 0);
    QVERIFY(process.waitForFinished(30000));
    out += process.readAllStandardOutput();
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 130, (out + err).constData());
    QVERIFY2(err.contains("cancelled on cpu"), err.constData());

    // Exactly one file: the result, and no temporary file left behind by the write.
    const QStringList files = filesIn(folder);
    QCOMPARE(files.size(), 1);
    QVERIFY2(out.contains("Result saved to " + (folder + files[0]).toUtf8()), out.constData());
    QFile file(folder + files[0]);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
    QCOMPARE(doc[QLatin1String("status")].toString(), QStringLiteral("cancelled"));
    QString readError;
    const tb::RunResult result = readResult(file.fileName(), readError);
    QVERIFY2(readError.isEmpty(), qPrintable(readError));
    QCOMPARE(statusOf(result), QStringLiteral("cancelled"));
    QCOMPARE(result.config.epochs, 50);
    QVERIFY(result.epochs.size() < 50);
    QVERIFY(!result.totalSeconds.has_value());
    QVERIFY(!result.timeline.empty());
  }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
