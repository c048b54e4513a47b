// Run › Profile a training step: the dialog times each run's step phase by phase off the GUI
// thread, draws one stacked bar per run and lists its table, shows why a run cannot be profiled,
// and closes cleanly mid-profile. Set TRAINBENCH_GRAB_DIR to keep a PNG of the dialog for a look.
#include "common/qcustomplot_include.h"
#include "devices/profile_dialog.h"

#include <QDir>
#include <QSignalSpy>
#include <QtTest>

using namespace tb::ui;

namespace {

constexpr int kProfileTimeoutMs = 120000;  // generous: the machine may be busy

tb::RunConfig smallCpuRun() {
  tb::RunConfig config;
  config.workload = "fashion-mlp";
  config.device = "cpu";
  config.synthetic = true;  // no dataset needed
  config.threads = 1;
  return config;
}

}  // namespace

class ProfileDialogTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The real profile on the CPU: one stacked bar of every phase a one-process step has, each
  // with time in it, and the table with its verdict below.
  void profilesTheCpuIntoStackedBars() {
    ProfileDialog dialog({smallCpuRun()});
    dialog.setSteps(20);
    QCOMPARE(dialog.steps(), 20);
    QSignalSpy done(&dialog, &ProfileDialog::allDone);
    dialog.show();
    dialog.start();
    QVERIFY(dialog.isProfiling());
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kProfileTimeoutMs);
    QVERIFY(!dialog.isProfiling());

    QCOMPARE(dialog.profiledCount(), 1);
    QCustomPlot* chart = dialog.chart();
    QVERIFY(chart->plottableCount() >= 4);  // data, forward, backward, optimizer
    QStringList phases;
    for (int i = 0; i < chart->plottableCount(); ++i) {
      auto* bars = qobject_cast<QCPBars*>(chart->plottable(i));
      QVERIFY(bars != nullptr);
      phases << bars->name();
      QCOMPARE(bars->data()->size(), 1);  // one run
      QVERIFY2(bars->data()->at(0)->value > 0.0, qPrintable(bars->name()));
      if (i > 0) QCOMPARE(bars->barBelow(), chart->plottable(i - 1));  // stacked in step order
    }
    QCOMPARE(phases, QStringList({QStringLiteral("data"), QStringLiteral("forward"),
                                  QStringLiteral("backward"), QStringLiteral("optimizer")}));

    const QString report = dialog.reportText();
    QVERIFY2(report.contains(QLatin1String("compute-bound on the CPU")), qPrintable(report));
    QVERIFY2(report.contains(QLatin1String("backward")), qPrintable(report));
    QVERIFY2(report.contains(QLatin1String("fashion-mlp on cpu")), qPrintable(report));
    if (const QString folder = qEnvironmentVariable("TRAINBENCH_GRAB_DIR"); !folder.isEmpty())
      dialog.grab().save(QDir(folder).filePath(QStringLiteral("profile-dialog.png")));
  }

  // A run the device cannot train shows why, draws no bar, and the dialog still finishes.
  void graphExecutionOnTheCpuFailsWithTheReason() {
    tb::RunConfig config = smallCpuRun();
    config.execution = "graph";
    ProfileDialog dialog({config});
    dialog.setSteps(20);
    QSignalSpy done(&dialog, &ProfileDialog::allDone);
    dialog.start();
    QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, kProfileTimeoutMs);

    QCOMPARE(dialog.profiledCount(), 0);
    QCOMPARE(dialog.chart()->plottableCount(), 0);
    const QString report = dialog.reportText();
    QVERIFY2(report.contains(QLatin1String("CUDA graphs need an NVIDIA GPU")), qPrintable(report));
    QVERIFY2(report.contains(QLatin1String("failed")), qPrintable(report));
  }

  // Closing mid-profile cancels it: the dialog closes once the worker is through, with no
  // profile from the few steps it may have timed.
  void closingCancelsTheProfile() {
    ProfileDialog dialog({smallCpuRun(), smallCpuRun()});
    dialog.setSteps(5000);
    QSignalSpy done(&dialog, &ProfileDialog::allDone);
    QSignalSpy rejected(&dialog, &QDialog::rejected);
    dialog.show();
    dialog.start();
    dialog.reject();
    QTRY_COMPARE_WITH_TIMEOUT(rejected.count(), 1, kProfileTimeoutMs);
    QCOMPARE(done.count(), 1);
    QCOMPARE(dialog.profiledCount(), 0);
    QVERIFY(!dialog.isVisible());
  }
};

QTEST_MAIN(ProfileDialogTest)
#include "tst_profile_dialog.moc"
