// The H200 runs shipped in docs/results/ (docs/benchmarks.md) are there for users to import next
// to their own: they must stay readable by this version, and carry what the comparison shows for
// a GPU (the device's peak where it was measured, NVML telemetry every second).
#include "results/result_file.h"

#include <QDir>
#include <QtTest>

#include <algorithm>

class ReferenceResultsTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void everyShippedResultReads() {
    const QDir folder(qEnvironmentVariable("TRAINBENCH_SOURCE_DIR") + QStringLiteral("/docs/results"));
    const QStringList files = folder.entryList({QStringLiteral("*.json")}, QDir::Files);
    QVERIFY2(files.size() >= 3, qPrintable(folder.path()));
    for (const QString& name : files) {
      tb::RunResult result;
      try {
        result = tb::readResultFile(folder.filePath(name).toStdString());
      } catch (const std::exception& e) {
        QFAIL(qPrintable(name + QStringLiteral(": ") + QString::fromUtf8(e.what())));
      }
      QVERIFY2(result.status == tb::RunStatus::Completed, qPrintable(name));
      // The file name says what it holds: "<machine>_<workload>_<precision or device>.json".
      QVERIFY2(name.contains(QString::fromStdString(result.workload.name)), qPrintable(name));
      QVERIFY2(!result.epochs.empty() && result.test.has_value(), qPrintable(name));
      if (result.device.kind != "cuda") continue;
      QCOMPARE(QString::fromStdString(result.device.name), QStringLiteral("NVIDIA H200"));
      const bool gpuTelemetry =
          std::all_of(result.timeline.begin(), result.timeline.end(), [](const auto& sample) {
            return sample.gpus.size() == 1 && sample.gpus[0].utilPercent &&
                   sample.gpus[0].memoryUsedMb;
          });
      QVERIFY2(!result.timeline.empty() && gpuTelemetry, qPrintable(name));
    }
  }
};

QTEST_GUILESS_MAIN(ReferenceResultsTest)
#include "tst_reference_results.moc"
