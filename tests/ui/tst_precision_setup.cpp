// The Setup panel's precision and execution mode: they reach every run's config, survive a
// restart through the settings, and a choice a ticked device cannot do keeps Run disabled with
// the reason.
#include "panels/setup_panel.h"

#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace tb;
using namespace tb::ui;

class PrecisionSetupTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // The chosen precision is what each queued run trains in.
  void precisionReachesConfigs() {
    SetupPanel panel;
    QCOMPARE(panel.precision(), QStringLiteral("fp32"));  // the seed's
    panel.setPrecision(QStringLiteral("bf16"));
    const auto configs = panel.configs();
    QVERIFY(!configs.isEmpty());
    for (const auto& config : configs) QCOMPARE(config.precision, std::string("bf16"));
  }

  // Users expect the app to come back as they left it.
  void precisionIsSavedAndRestored() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("setup.ini")), QSettings::IniFormat);
    {
      SetupPanel panel;
      panel.setPrecision(QStringLiteral("bf16"));
      panel.saveSettings(settings);
    }
    SetupPanel restored;
    restored.restoreSettings(settings);
    QCOMPARE(restored.precision(), QStringLiteral("bf16"));
  }

  // fp16 on the CPU would only fail: Run stays off and says why.
  void unsupportedPrecisionDisablesRun() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setPrecision(QStringLiteral("fp16"));
    QCOMPARE(panel.problem(),
             QStringLiteral("precision fp16 is not supported on cpu; supported: fp32, bf16"));
    QVERIFY(!panel.runButton()->isEnabled());
    panel.setPrecision(QStringLiteral("bf16"));
    QVERIFY(panel.problem().isEmpty());
    QVERIFY(panel.runButton()->isEnabled());
  }

  // Eager by default; CUDA graphs on the CPU would only fail, so Run stays off and says why.
  void executionReachesConfigsAndGraphNeedsAGpu() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(panel.execution(), QStringLiteral("eager"));
    QCOMPARE(panel.configs().first().execution, std::string("eager"));
    panel.setExecution(QStringLiteral("graph"));
    QVERIFY2(panel.problem().contains(QLatin1String("CUDA graphs need an NVIDIA GPU")),
             qPrintable(panel.problem()));
    QVERIFY(!panel.runButton()->isEnabled());
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("setup.ini")), QSettings::IniFormat);
    panel.saveSettings(settings);
    SetupPanel restored;
    restored.restoreSettings(settings);
    QCOMPARE(restored.execution(), QStringLiteral("graph"));
    panel.setExecution(QStringLiteral("eager"));
    QVERIFY(panel.runButton()->isEnabled());
  }
};

QTEST_MAIN(PrecisionSetupTest)
#include "tst_precision_setup.moc"
