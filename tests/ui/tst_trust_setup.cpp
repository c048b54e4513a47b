// The Setup panel's Repeats and Length: fixed repeats queue N runs per device sharing a group,
// auto starts with one and lets the controller add more, Quick gives every run a time budget,
// and both survive a restart.
#include "panels/setup_panel.h"

#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

using namespace tb;
using namespace tb::ui;

class TrustSetupTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // One run per device, no group and no budget, as before repeats existed.
  void defaultsAreOneFullRun() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    const auto configs = panel.configs();
    QCOMPARE(configs.size(), 1);
    QVERIFY(configs[0].group.empty());
    QCOMPARE(configs[0].timeBudgetSeconds, 0.0);
    QVERIFY(!panel.autoRepeat());
  }

  void fixedRepeatsShareOneGroup() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setRepeats(3);
    const auto configs = panel.configs();
    QCOMPARE(configs.size(), 3);
    QVERIFY(!configs[0].group.empty());
    for (const auto& config : configs) QCOMPARE(config.group, configs[0].group);
    // The next click is another set of repeats: a new group.
    QVERIFY(panel.configs()[0].group != configs[0].group);
  }

  // Measuring peaks and profiling take each device once: three repeats measured the CPU thrice.
  void devicesAreMeasuredOnceWhateverTheRepeats() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setRepeats(3);
    QCOMPARE(panel.configs().size(), 3);
    const auto devices = panel.deviceConfigs();
    QCOMPARE(devices.size(), 1);
    QCOMPARE(QString::fromStdString(devices[0].device), QStringLiteral("cpu"));
  }

  // What the trainer would refuse at once keeps Run off and says why: 33 images in steps of 32
  // leave ResNet-50's BatchNorm a last step of one image.
  void runStaysOffForWhatTheTrainerRefuses() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setWorkload(QStringLiteral("cifar10-resnet50"));
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
    panel.setTrainLimit(33);
    QVERIFY2(panel.problem().contains(QLatin1String("last step of 1")),
             qPrintable(panel.problem()));
    panel.setTrainLimit(64);
    QVERIFY2(panel.problem().isEmpty(), qPrintable(panel.problem()));
  }

  void autoStartsWithOneGroupedRun() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setRepeats(0);
    QVERIFY(panel.autoRepeat());
    const auto configs = panel.configs();
    QCOMPARE(configs.size(), 1);
    QVERIFY(!configs[0].group.empty());
  }

  void quickRunsHaveAMinuteBudget() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setQuick(true);
    for (const auto& config : panel.configs()) {
      QCOMPARE(config.timeBudgetSeconds, SetupPanel::kQuickBudgetSeconds);
    }
  }

  void repeatsAndLengthAreRestored() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("setup.ini")), QSettings::IniFormat);
    {
      SetupPanel panel;
      panel.setRepeats(0);
      panel.setQuick(true);
      panel.saveSettings(settings);
    }
    SetupPanel restored;
    restored.restoreSettings(settings);
    QVERIFY(restored.autoRepeat());
    QVERIFY(restored.quick());
  }
};

QTEST_MAIN(TrustSetupTest)
#include "tst_trust_setup.moc"
