// End-to-end tests of trainbench-cli on the CIFAR-10 workloads: the seed's ResNet-50 on synthetic
// data, the small CNN on a generated cifar-10-binary.tar.gz found in the default data folder, and
// the workload list's parameters and FLOPs. Every process gets TRAINBENCH_RESULTS_DIR,
// TRAINBENCH_DATA_DIR and XDG_DATA_HOME inside a QTemporaryDir.
#include "results/result_file.h"

#include "../support/cifar_fixture.h"
#include "../support/cli_process.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using tbtest::CliRun;
using tbtest::readResult;

class TestCliCifar : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  QString m_cli;
  QString m_dataRoot;  // TRAINBENCH_DATA_DIR

  QString path(const QString& name) const { return m_dir.filePath(name); }

  CliRun runCli(const QStringList& args, int timeoutMs = 180000) const {
    return tbtest::runCli(
        m_cli, args,
        tbtest::cliEnvironment(path(QStringLiteral("results")), m_dataRoot, path(QStringLiteral("xdg"))),
        timeoutMs);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_cli = qEnvironmentVariable("TRAINBENCH_CLI");
    QVERIFY2(QFileInfo(m_cli).isExecutable(), "TRAINBENCH_CLI must name the built trainbench-cli");
    m_dataRoot = path(QStringLiteral("data-root"));
    QVERIFY(QDir().mkpath(m_dataRoot));
  }

  // Users choose a workload from this table; it must show the seed's ResNet-50 with Keras's
  // parameter count and what a training sample costs.
  void workloadsShowParametersAndFlops() {
    const CliRun run = runCli({"workloads"});
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.out.contains(QLatin1String("GFLOP/SAMPLE")), run.why());
    static const QRegularExpression row(
        QStringLiteral("^cifar10-resnet50\\s+cifar10\\s+23555082\\s+(\\d+\\.\\d+)\\s+10\\s+32\\s"),
        QRegularExpression::MultilineOption);
    const auto match = row.match(run.out);
    QVERIFY2(match.hasMatch(), run.why());
    QVERIFY2(match.captured(1).toDouble() > 0.1, run.why());
    for (const char* name : {"cifar10-resnet18", "cifar10-cnn", "mnist-mlp"}) {
      QVERIFY2(run.out.contains(QRegularExpression(QStringLiteral("^%1\\s").arg(name),
                                                   QRegularExpression::MultilineOption)),
               run.why());
    }
  }

  // Scripts computing achieved TFLOPS read flops_per_sample from --json.
  void workloadsJsonHasFlops() {
    const CliRun run = runCli({"workloads", "--json"});
    QVERIFY2(run.exitCode == 0, run.why());
    const QJsonDocument doc = QJsonDocument::fromJson(run.out.toUtf8());
    QVERIFY2(doc.isArray(), run.why());
    int seen = 0;
    for (const QJsonValue& entry : doc.array()) {
      ++seen;
      QVERIFY2(entry[QLatin1String("flops_per_sample")].toDouble() > 0, run.why());
      if (entry[QLatin1String("name")].toString() == QLatin1String("fashion-mlp")) {
        QCOMPARE(entry[QLatin1String("flops_per_sample")].toDouble(), 409088.0);
      }
    }
    QVERIFY2(seen >= 5, run.why());
  }

  // A last step of one image would fail ResNet-50's BatchNorm after a whole epoch: refused up
  // front, naming both flags that make it.
  void lastStepOfOneImageIsRefused() {
    // Synthetic data beyond the official 50 000 too: that trained an epoch, then failed.
    for (const char* limit : {"33", "50017"}) {
      const CliRun run = runCli({"run", "--workload", "cifar10-resnet50", "--synthetic",
                                 "--train-limit", limit, "--epochs", "1"});
      QVERIFY2(run.exitCode == 2, run.why());
      QVERIFY2(run.err.contains(QLatin1String("leave a last step of 1")) &&
                   run.err.contains(QLatin1String("--train-limit")) &&
                   run.err.contains(QLatin1String("--batch-size")),
               run.why());
      QVERIFY(QDir(path(QStringLiteral("results"))).isEmpty());
    }
  }

  // The seed article's run, small: the seed's ResNet-50 trains an epoch in seconds and saves
  // a result that records the workload's size and cost.
  void resnet50SyntheticRunCompletes() {
    const CliRun run =
        runCli({"run", "--workload", "cifar10-resnet50", "--synthetic", "--train-limit", "256",
                "--test-limit", "128", "--epochs", "1", "--threads", "2", "--quiet"});
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.out.contains(QLatin1String("Training set contained 256 images")), run.why());
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error + '\n' + run.why()));
    QCOMPARE(result.status, tb::RunStatus::Completed);
    QCOMPARE(QString::fromStdString(result.workload.name), QStringLiteral("cifar10-resnet50"));
    QCOMPARE(QString::fromStdString(result.workload.dataset), QStringLiteral("cifar10"));
    QCOMPARE(result.workload.parameters, std::int64_t{23555082});
    QVERIFY(result.workload.flopsPerSample.value_or(0) > 0);
    QCOMPARE(result.workload.testSamples, std::int64_t{128});
    QCOMPARE(result.epochs.size(), std::size_t{1});
    QVERIFY(result.test.has_value());
  }

  // The downloaded archive in the default data folder is used as it is, without extracting it.
  void cnnTrainsOnArchiveInDataFolder() {
    QVERIFY(QDir().mkpath(m_dataRoot + "/cifar10"));
    const QString archive = m_dataRoot + "/cifar10/cifar-10-binary.tar.gz";
    QVERIFY(fixture::writeArchive(archive.toStdString(), fixture::kRealRecords));
    const CliRun run = runCli({"run", "--workload", "cifar10-cnn", "--train-limit", "512",
                               "--test-limit", "128", "--epochs", "1", "--threads", "2"});
    QVERIFY(QFile::remove(archive));
    QVERIFY2(run.exitCode == 0, run.why());
    QVERIFY2(run.out.contains(QLatin1String("Training set contained 512 images")), run.why());
    QString error;
    const tb::RunResult result = readResult(run.savedPath(), error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(QString::fromStdString(result.workload.dataSource), QStringLiteral("files"));
  }

  // A cut-short batch file is a data error (exit 3) naming the file, before any training.
  void shortBatchFileExitsThree() {
    const QString folder = path(QStringLiteral("short/cifar-10-batches-bin"));
    QVERIFY(QDir().mkpath(folder));
    QVERIFY(fixture::writeFolder(folder.toStdString(), 3));  // 3 records: far below 10 000
    const CliRun run = runCli({"run", "--workload", "cifar10-cnn", "--data-dir",
                               path(QStringLiteral("short")), "--epochs", "1"});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(folder + "/data_batch_1.bin") &&
                 run.err.contains(QLatin1String("truncated")),
             run.why());
  }

  // Without the data the message must point to the archive's name and to --synthetic.
  void missingDataExitsThree() {
    const CliRun run = runCli({"run", "--workload", "cifar10-resnet50", "--epochs", "1"});
    QVERIFY2(run.exitCode == 3, run.why());
    QVERIFY2(run.err.contains(QLatin1String("cifar-10-binary.tar.gz")) &&
                 run.err.contains(QLatin1String("--synthetic")),
             run.why());
  }
};

QTEST_GUILESS_MAIN(TestCliCifar)
#include "tst_cli_cifar.moc"
