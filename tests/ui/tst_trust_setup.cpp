// The Setup panel's Repeats and Length: fixed repeats queue N runs per device sharing a group,
// auto starts with one and lets the controller add more, Quick gives every run the time budget
// chosen (1, 5 or 15 minutes, or a CLI run's own),
// and both survive a restart.
#include "panels/setup_panel.h"

#include <QComboBox>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace tb;
using namespace tb::ui;

namespace {

// Length: the box whose first entry is the full run.
QComboBox* lengthBox(const SetupPanel& panel) {
  for (auto* box : panel.findChildren<QComboBox*>()) {
    if (box->count() > 0 && box->itemText(0).startsWith(QStringLiteral("Full:"))) return box;
  }
  return nullptr;
}

}  // namespace

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
    // A Quick run of fewer images than one batch has no full step to project from, said in
    // the words of this panel's fields.
    panel.setQuick(true);
    panel.setTrainLimit(16);
    QVERIFY2(
        panel.problem().contains(QStringLiteral("a time budget (\u201cLength\u201d)")) &&
            panel.problem().contains(QStringLiteral("one batch of 32 (\u201cBatch size\u201d)")),
        qPrintable(panel.problem()));
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

  // Length offers longer budgets than a minute (a projection of ResNet-50 on a laptop CPU wants
  // more steps than a minute times), and each run of the setup gets the one chosen.
  void lengthOffersLongerBudgets() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    auto* length = lengthBox(panel);
    QVERIFY(length);
    QStringList texts;
    for (int i = 0; i < length->count(); ++i) texts << length->itemText(i);
    QCOMPARE(texts, (QStringList{QStringLiteral("Full: the seed's epochs"),
                                 QStringLiteral("Quick: about 1 minute, projected"),
                                 QStringLiteral("Quick: about 5 minutes, projected"),
                                 QStringLiteral("Quick: about 15 minutes, projected")}));
    QCOMPARE(panel.timeBudget(), 0.0);  // the full run by default
    length->setCurrentIndex(3);
    QVERIFY(panel.quick());
    for (const auto& config : panel.configs()) QCOMPARE(config.timeBudgetSeconds, 900.0);
  }

  // A budget Length does not offer (a CLI run's --time-budget 120) gets an entry of its own, in
  // order; one a run would refuse changes nothing.
  void anOtherBudgetGetsItsOwnEntry() {
    SetupPanel panel;
    QVERIFY(panel.setTimeBudget(120.0));
    auto* length = lengthBox(panel);
    QCOMPARE(length->currentText(), QStringLiteral("Quick: about 2 minutes, projected"));
    QCOMPARE(length->currentIndex(), 2);  // after 1 minute, before 5
    QVERIFY(panel.setTimeBudget(7.5));
    QCOMPARE(length->currentText(), QStringLiteral("Quick: about 7.5 s, projected"));
    QVERIFY(panel.setTimeBudget(120.0));
    QCOMPARE(length->count(), 6);  // not added twice
    // Whole minutes and hours read as such, anything else in seconds: no two entries alike.
    QVERIFY(panel.setTimeBudget(120.5));
    QCOMPARE(length->currentText(), QStringLiteral("Quick: about 120.5 s, projected"));
    QVERIFY(panel.setTimeBudget(7200.0));
    QCOMPARE(length->currentText(), QStringLiteral("Quick: about 2 hours, projected"));
    QVERIFY(panel.setTimeBudget(120.0));
    QCOMPARE(length->count(), 8);
    QVERIFY(!panel.setTimeBudget(2.0));
    QVERIFY(!panel.setTimeBudget(std::nan("")));
    QCOMPARE(panel.timeBudget(), 120.0);
  }

  void repeatsAndLengthAreRestored() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("setup.ini")), QSettings::IniFormat);
    {
      SetupPanel panel;
      panel.setRepeats(0);
      panel.setTimeBudget(300.0);
      panel.saveSettings(settings);
    }
    SetupPanel restored;
    restored.restoreSettings(settings);
    QVERIFY(restored.autoRepeat());
    QCOMPARE(restored.timeBudget(), 300.0);
  }

  // Settings saved before Length offered budgets said only "quick": a minute.
  void anOlderQuickSettingIsAMinute() {
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("setup.ini")), QSettings::IniFormat);
    settings.setValue(QStringLiteral("setup/quick"), true);
    SetupPanel restored;
    restored.restoreSettings(settings);
    QCOMPARE(restored.timeBudget(), SetupPanel::kQuickBudgetSeconds);
    // A budget edited into something a run refuses leaves the older setting to decide.
    settings.setValue(QStringLiteral("setup/timeBudget"), QStringLiteral("abc"));
    SetupPanel edited;
    edited.restoreSettings(settings);
    QCOMPARE(edited.timeBudget(), SetupPanel::kQuickBudgetSeconds);
  }
};

QTEST_MAIN(TrustSetupTest)
#include "tst_trust_setup.moc"
