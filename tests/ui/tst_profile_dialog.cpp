// Run › Profile a training step: the dialog times each run's step phase by phase off the GUI
// thread, draws one stacked bar per run and lists its table, shows why a run cannot be profiled,
// and closes cleanly mid-profile. Set TRAINBENCH_GRAB_DIR to keep a PNG of the dialog for a look.
#include "common/qcustomplot_include.h"
#include "devices/profile_dialog.h"

#include "../support/bar_labels.h"

#include <QDir>
#include <QSignalSpy>
#include <QApplication>
#include <QSpinBox>
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
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    // Before the first profile the empty chart spans the dialog, not the width of its title.
    QVERIFY2(dialog.chart()->axisRect()->width() > dialog.chart()->width() / 2,
             qPrintable(QString::number(dialog.chart()->axisRect()->width())));
    // Enter in the steps field profiles (it pressed Close, the dialog's default button).
    auto* steps = dialog.findChild<QSpinBox*>();
    QVERIFY(steps);
    QApplication::setActiveWindow(&dialog);
    QVERIFY(QTest::qWaitForWindowActive(&dialog));
    steps->setFocus();
    QTRY_VERIFY(steps->hasFocus());
    QTest::keyClick(steps, Qt::Key_Return);
    QVERIFY(dialog.isVisible());
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

  // A GPU profile with the device's own time: under its bar, a thin one of the same phases on
  // the device's clock, out of the legend, labelled with how busy the device is. A CPU run in
  // the same chart gets no such bar.
  void drawsTheDeviceTimeUnderAGpuBar() {
    tb::StepProfile gpu;
    gpu.device = "cuda:0";
    const double host[] = {0.1e-3, 1.5e-3, 2.6e-3, 0.8e-3};
    const double device[] = {0.02e-3, 0.3e-3, 0.5e-3, 0.1e-3};
    int i = 0;
    for (const tb::StepPhase phase : {tb::StepPhase::Data, tb::StepPhase::Forward,
                                      tb::StepPhase::Backward, tb::StepPhase::Optimizer}) {
      gpu.phases.push_back({phase, host[i], 0.0, device[i]});
      gpu.stepSeconds += host[i];
      gpu.deviceStepSeconds += device[i];
      ++i;
    }
    gpu.runStepSeconds = 4.6e-3;  // 0.92 ms of device work: busy 20 %
    tb::StepProfile cpu = gpu;
    cpu.device = "cpu";
    cpu.deviceStepSeconds = 0.0;
    for (tb::PhaseTime& phase : cpu.phases) phase.deviceSecondsPerStep.reset();

    QCustomPlot plot;
    plot.resize(700, 300);
    setUpProfileChart(&plot);
    drawProfileBars(
        &plot, {{QStringLiteral("cuda:0 bf16"), gpu, {}}, {QStringLiteral("cpu fp32"), cpu, {}}},
        plot.palette());

    QCOMPARE(plot.plottableCount(), 8);  // four phases on the host's clock, four on the device's
    QCOMPARE(plot.legend->itemCount(), 4);
    for (int p = 0; p < 4; ++p) {
      auto* hostBars = qobject_cast<QCPBars*>(plot.plottable(p));
      auto* deviceBars = qobject_cast<QCPBars*>(plot.plottable(4 + p));
      QCOMPARE(hostBars->data()->size(), 2);    // both runs
      QCOMPARE(deviceBars->data()->size(), 1);  // the GPU's run only
      QCOMPARE(deviceBars->name(), hostBars->name() + QStringLiteral(" on the device"));
      QVERIFY(deviceBars->width() < hostBars->width());
      // Just under the GPU run's bar (the top one, key 2), clear of the CPU run's (key 1).
      const double key = deviceBars->data()->at(0)->key;
      QVERIFY2(key < 2.0 - hostBars->width() / 2 &&
                   key - deviceBars->width() / 2 > 1.0 + hostBars->width() / 2,
               qPrintable(QString::number(key)));
      QCOMPARE(deviceBars->data()->at(0)->value, device[p] * 1e3);
    }
    QStringList labels;
    for (int item = 0; item < plot.itemCount(); ++item) {
      if (auto* label = qobject_cast<QCPItemText*>(plot.item(item))) labels << label->text();
    }
    QVERIFY2(labels.contains(QStringLiteral("GPU: 0.920 ms, busy 20 % of a run's step")),
             qPrintable(labels.join(QLatin1Char('|'))));
    // Every label is whole: none runs past the axis, where the drawing cuts it off.
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.replot();
    QCOMPARE(tbtest::barLabelRightEdges(plot).size(), 3);  // two runs' steps, the GPU's time
    QVERIFY2(tbtest::cutOffBarLabels(plot).isEmpty(), qPrintable(tbtest::cutOffBarLabels(plot)));
    if (const QString folder = qEnvironmentVariable("TRAINBENCH_GRAB_DIR"); !folder.isEmpty())
      plot.grab().save(QDir(folder).filePath(QStringLiteral("profile-device-bars.png")));
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
