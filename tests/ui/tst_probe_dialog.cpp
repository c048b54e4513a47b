// Run › Measure device peaks: the dialog measures each ticked device off the GUI thread, shows
// its figures or why it failed, keeps them for the next run, and closes cleanly mid-measurement.
// Set TRAINBENCH_GRAB_DIR to keep a PNG of the dialog for a look.
#include "devices/device_id.h"
#include "devices/peak_probe.h"
#include "devices/probe_dialog.h"

#include "../support/gate.h"

#include <ATen/Parallel.h>

#include <QDir>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTableWidget>
#include <QtTest>

#include <atomic>
#include <stdexcept>

using namespace tb::ui;

namespace {

enum Column { Device, Fp32, Tf32, Bf16, Fp16, Bandwidth, Note };

QString cell(const ProbeDialog& dialog, int row, int column) {
  const QTableWidgetItem* item = dialog.table()->item(row, column);
  return item ? item->text() : QString();
}

}  // namespace

class ProbeDialogTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The real probe on the CPU fills the row, and later runs reuse its figures.
  void measuresTheCpuAndKeepsTheFiguresForRuns() {
    ProbeDialog dialog({{QStringLiteral("cpu"), 1}});
    QSignalSpy done(&dialog, &ProbeDialog::allMeasured);
    dialog.show();
    dialog.start();
    QVERIFY(dialog.isMeasuring());
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);  // generous: the machine may be busy

    bool ok = false;
    const double fp32 = cell(dialog, 0, Fp32).toDouble(&ok);
    QVERIFY2(ok && fp32 > 0.0, qPrintable(cell(dialog, 0, Fp32)));
    QVERIFY(cell(dialog, 0, Bandwidth).toDouble() > 0.0);
    QCOMPARE(cell(dialog, 0, Tf32), QStringLiteral("n/a"));  // a GPU format
    QCOMPARE(cell(dialog, 0, Device), QStringLiteral("cpu (1 thread)"));
    if (const QString folder = qEnvironmentVariable("TRAINBENCH_GRAB_DIR"); !folder.isEmpty())
      dialog.grab().save(QDir(folder).filePath(QStringLiteral("probe-dialog.png")));

    // A run on the CPU with one thread now records these figures instead of measuring again.
    at::set_num_threads(1);
    const auto cached = tb::cachedPeak(tb::resolveDevice("cpu"));
    QVERIFY(cached && cached->fp32Tflops);
    QCOMPARE(QString::number(*cached->fp32Tflops, 'f', 3), cell(dialog, 0, Fp32));
  }

  // Each device gets its own row: figures where measured, the reason where it failed.
  void showsFiguresAndFailuresPerDevice() {
    ProbeDialog dialog({{QStringLiteral("cpu"), 2}, {QStringLiteral("cuda:0"), 0}}, nullptr,
                       [](const ProbeTarget& target) {
                         if (target.device != QLatin1String("cpu"))
                           throw std::runtime_error("no CUDA device here");
                         tb::PeakFigures peak;
                         peak.fp32Tflops = 1.5;
                         peak.bf16Tflops = 3.25;
                         peak.bandwidthGbs = 42.0;
                         return peak;
                       });
    QSignalSpy done(&dialog, &ProbeDialog::allMeasured);
    dialog.start();
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 60000);
    QCOMPARE(cell(dialog, 0, Fp32), QStringLiteral("1.500"));
    QCOMPARE(cell(dialog, 0, Bf16), QStringLiteral("3.250"));
    QCOMPARE(cell(dialog, 0, Fp16), QStringLiteral("n/a"));
    QCOMPARE(cell(dialog, 0, Bandwidth), QStringLiteral("42.0"));
    QCOMPARE(cell(dialog, 1, Note), QStringLiteral("failed: no CUDA device here"));
    QCOMPARE(cell(dialog, 1, Fp32), QString());
  }

  // Closing mid-measurement waits for the device in flight (a probe cannot be interrupted), then
  // closes without measuring the others. The measurement is held at a gate until the test has
  // closed the dialog, so the close always lands while the first device is being measured.
  void closingStopsAfterTheDeviceBeingMeasured() {
    std::atomic<int> measured{0};
    tbtest::Gate firstMeasurement;
    ProbeDialog dialog(
        {{QStringLiteral("cpu"), 1}, {QStringLiteral("cpu"), 2}, {QStringLiteral("cpu"), 3}},
        nullptr, [&](const ProbeTarget&) {
          firstMeasurement.wait();
          ++measured;
          return tb::PeakFigures{};
        });
    // Whatever fails below, the measuring thread must get through before the dialog is destroyed.
    const auto releaseAtExit = qScopeGuard([&] { firstMeasurement.open(); });
    QSignalSpy done(&dialog, &ProbeDialog::allMeasured);
    QSignalSpy rejected(&dialog, &QDialog::rejected);
    dialog.show();
    dialog.start();
    QTRY_COMPARE_WITH_TIMEOUT(cell(dialog, 0, Note), QStringLiteral("measuring\u2026"), 60000);
    dialog.reject();
    // The dialog stays until the device in flight is done, then closes without the others.
    QVERIFY(dialog.isVisible());
    QCOMPARE(rejected.count(), 0);
    firstMeasurement.open();
    QTRY_COMPARE_WITH_TIMEOUT(rejected.count(), 1, 60000);
    QCOMPARE(done.count(), 1);
    QCOMPARE(measured.load(), 1);
    QCOMPARE(cell(dialog, 2, Note), QStringLiteral("not measured (closed)"));
    QVERIFY(!dialog.isVisible());
  }
};

QTEST_MAIN(ProbeDialogTest)
#include "tst_probe_dialog.moc"
