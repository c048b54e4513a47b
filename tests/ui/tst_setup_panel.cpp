// The Setup panel as a user edits it: Run follows every field the trainer checks, a data
// folder typed as "~/..." means the home folder, and a hand-edited settings file with values
// that make no sense keeps the defaults instead of turning them into "auto" or "all".
#include "machine/speed_switches.h"
#include "panels/seed_field.h"
#include "panels/setup_panel.h"

#include "../support/absent_device.h"
#include "../support/run_result_builder.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSet>
#include <QSettings>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

using namespace tb::ui;

namespace {

// The spin box whose row in the form is labelled `label` ("Batch size").
QSpinBox* field(SetupPanel& panel, const QString& label) {
  for (auto* box : panel.findChildren<QSpinBox*>()) {
    if (auto* form = box->parentWidget()) {
      for (auto* text : form->findChildren<QLabel*>()) {
        if (QString(text->text()).remove(u'&') == label && text->buddy() == box) return box;
      }
    }
  }
  return nullptr;
}

}  // namespace

class SetupPanelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // A screen reader names each field by its label, or by the name it was given where no label
  // stands beside it: the workload box and the dataset folder had neither.
  void everyFieldHasAName() {
    SetupPanel panel;
    QSet<const QWidget*> labelled;
    for (const QLabel* label : panel.findChildren<QLabel*>()) {
      if (label->buddy()) labelled.insert(label->buddy());
    }
    int fields = 0;
    for (QWidget* field : panel.findChildren<QWidget*>()) {
      const bool input = qobject_cast<QComboBox*>(field) || qobject_cast<QAbstractSpinBox*>(field) ||
                         (qobject_cast<QLineEdit*>(field) && !qobject_cast<QAbstractSpinBox*>(field->parentWidget()) &&
                          !qobject_cast<QComboBox*>(field->parentWidget()));
      if (!input) continue;
      ++fields;
      QVERIFY2(labelled.contains(field) || !field->accessibleName().isEmpty(),
               qPrintable(QStringLiteral("%1 (%2)").arg(field->objectName(), field->metaObject()->className())));
    }
    QVERIFY(fields >= 10);
  }

  // Use Settings compares a run's speed switches with this process's: none set here.
  void initTestCase() {
    for (const std::string& name : tb::speedSwitchNames()) qunsetenv(name.c_str());
  }

  // ResNet-50 with a batch of one image is refused (BatchNorm): Run goes off with the reason,
  // and typing a good batch size turns it back on. Run followed only Length and Repeats.
  void runFollowsTheBatchSize() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setWorkload(QStringLiteral("cifar10-resnet50"));
    panel.setSynthetic(true);
    QSpinBox* batch = field(panel, QStringLiteral("Batch size"));
    QVERIFY(batch != nullptr);
    QVERIFY(panel.runButton()->isEnabled());
    batch->setValue(1);
    QVERIFY(!panel.runButton()->isEnabled());
    QVERIFY2(!panel.runButton()->toolTip().contains(QLatin1String("Ctrl+R")),
             qPrintable(panel.runButton()->toolTip()));
    batch->setValue(32);
    QVERIFY(panel.runButton()->isEnabled());
    QVERIFY(panel.runButton()->toolTip().contains(QLatin1String("Ctrl+R")));
    // Too few training images for one step of 32 is refused the same way.
    panel.setTrainLimit(33);
    QVERIFY(!panel.runButton()->isEnabled());
    panel.setTrainLimit(0);
    QVERIFY(panel.runButton()->isEnabled());
  }

  // When a run ends while the keyboard is on Stop, it goes back to Run (it landed on whatever
  // followed the disabled Stop: "Clear finished").
  void focusReturnsToRunWhenTheRunEnds() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setSynthetic(true);
    panel.show();
    QApplication::setActiveWindow(&panel);
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    panel.setRunning(true);
    QPushButton* stop = nullptr;
    for (QPushButton* button : panel.findChildren<QPushButton*>())
      if (button->text() == QLatin1String("Stop")) stop = button;
    QVERIFY(stop && stop->isEnabled());
    stop->setFocus();
    QTRY_VERIFY(stop->hasFocus());
    panel.setRunning(false);
    QVERIFY(panel.runButton()->hasFocus());
  }

  // A data-parallel run the CLI would refuse before starting its ranks keeps Run off too: 100
  // training images cannot fill one step of 4 ranks x 32.
  void runFollowsTheDataParallelChecks() {
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setSynthetic(true);
    panel.setDataParallel(true, 4);
    QVERIFY2(panel.runButton()->isEnabled(), qPrintable(panel.problem()));
    panel.setTrainLimit(100);
    QVERIFY(!panel.runButton()->isEnabled());
    // In the panel's words, not the CLI's flags.
    QVERIFY2(panel.problem().startsWith(QStringLiteral("\u201cTraining images\u201d 100 is smaller")),
             qPrintable(panel.problem()));
    panel.setDataParallel(true, 2);  // 64 a step
    QVERIFY2(panel.runButton()->isEnabled(), qPrintable(panel.problem()));
  }

  // "~/data" is the home folder's data, as in a shell; a relative folder is said in full. It
  // made a folder named "~" wherever the app was started.
  void dataFolderIsSaidInFull() {
    SetupPanel panel;
    panel.setDataDir(QStringLiteral("~/datasets "));
    QCOMPARE(panel.dataDir(), QDir::homePath() + QStringLiteral("/datasets"));
    panel.setDataDir(QStringLiteral("~"));
    QCOMPARE(panel.dataDir(), QDir::homePath());
    panel.setDataDir(QStringLiteral("relative/data"));
    QCOMPARE(panel.dataDir(), QDir::current().absoluteFilePath(QStringLiteral("relative/data")));
    panel.setDataDir(QStringLiteral("  "));
    QVERIFY(panel.dataDir().isEmpty());  // the default data root
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setDataDir(QStringLiteral("~/datasets"));
    QCOMPARE(QString::fromStdString(panel.configs().constFirst().dataDir),
             QDir::homePath() + QStringLiteral("/datasets"));
  }

  // A dataset folder that is a file is said before Run offers a download into it (which then
  // failed with "Not a directory"); synthetic data needs no folder.
  void dataFolderThatIsAFileIsSaid() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("start.sh"));
    QFile plain(file);
    QVERIFY(plain.open(QIODevice::WriteOnly));
    plain.close();
    SetupPanel panel;
    panel.setCheckedDevices({QStringLiteral("cpu")});
    panel.setSynthetic(false);
    panel.setDataDir(file);
    QVERIFY2(panel.problem().contains(QStringLiteral("is a file, not a folder")),
             qPrintable(panel.problem()));
    QVERIFY(panel.problem().contains(file));
    panel.setSynthetic(true);
    QCOMPARE(panel.problem(), QString());
    panel.setSynthetic(false);
    panel.setDataDir(dir.path());
    QCOMPARE(panel.problem(), QString());
  }

  // Values no field takes keep the field's default, and are named (they were dropped without a
  // word, and closing wrote the defaults back); good ones are restored.
  void handEditedSettingsKeepDefaults() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("setup.ini"));
    QFile ini(file);
    QVERIFY(ini.open(QIODevice::WriteOnly));
    ini.write("[setup]\nepochs=abc\nbatchSize=-5\nrepeats=xyz\nthreads=99999\n"
              "trainLimit=3000000000\nseed=-1\nquick=maybe\nsynthetic=sometimes\ntestLimit=500\n"
              "workload=cifar10-resnet50x\nprecision=fp8\ndevices=cpu," +
              QByteArray::fromStdString(tbtest::absentCudaDevice()) + "\n");
    ini.close();
    SetupPanel defaults;
    QSettings settings(file, QSettings::IniFormat);
    SetupPanel panel;
    const QStringList ignored = panel.restoreSettings(settings);
    for (const char* entry : {"epochs=abc", "batchSize=-5", "repeats=xyz", "threads=99999",
                              "trainLimit=3000000000", "seed=-1", "quick=maybe",
                              "synthetic=sometimes", "workload=cifar10-resnet50x", "precision=fp8"}) {
      QVERIFY2(ignored.contains(QLatin1String(entry)), qPrintable(ignored.join(u'|')));
    }
    QVERIFY2(ignored.filter(QStringLiteral("devices=") +
                            QString::fromStdString(tbtest::absentCudaDevice()))
                     .size() == 1,
             qPrintable(ignored.join(u'|')));
    QCOMPARE(ignored.size(), 11);  // not testLimit=500
    panel.setCheckedDevices({QStringLiteral("cpu")});
    defaults.setCheckedDevices({QStringLiteral("cpu")});
    const auto restored = panel.configs().constFirst();
    const auto fresh = defaults.configs().constFirst();
    QCOMPARE(restored.epochs, fresh.epochs);
    QCOMPARE(restored.batchSize, fresh.batchSize);
    QCOMPARE(restored.threads, fresh.threads);
    QCOMPARE(restored.trainLimit, fresh.trainLimit);
    QCOMPARE(restored.seed, fresh.seed);
    QCOMPARE(restored.synthetic, fresh.synthetic);
    QCOMPARE(panel.repeats(), defaults.repeats());
    QCOMPARE(panel.quick(), defaults.quick());
    QCOMPARE(restored.testLimit, std::int64_t{500});  // the one good value
  }

  // The largest values the CLI takes fit the app's fields too: a settings file (or a CLI run
  // typed in again) with 100000 epochs became the default 10 without a word.
  void fieldsTakeWhatTheCliTakes() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("large.ini"));
    QFile ini(file);
    QVERIFY(ini.open(QIODevice::WriteOnly));
    ini.write(QStringLiteral("[setup]\nepochs=%1\nbatchSize=%2\nthreads=%3\nrepeats=%4\n")
                  .arg(tb::kMaxEpochs)
                  .arg(tb::kMaxBatchSize)
                  .arg(tb::kMaxThreads)
                  .arg(tb::kMaxRepeats)
                  .toUtf8());
    ini.close();
    QSettings settings(file, QSettings::IniFormat);
    SetupPanel panel;
    panel.restoreSettings(settings);
    panel.setCheckedDevices({QStringLiteral("cpu")});
    const auto config = panel.configs().constFirst();
    QCOMPARE(config.epochs, tb::kMaxEpochs);
    QCOMPARE(config.batchSize, tb::kMaxBatchSize);
    QCOMPARE(config.threads, tb::kMaxThreads);
    QCOMPARE(panel.repeats(), tb::kMaxRepeats);
  }

  // A run that ended before it chose its epochs, batch and learning rate recorded 0: the fields
  // get the workload's defaults, not what they held before, and the notice names them.
  void settingsTheRunLacksBecomeTheWorkloadDefaults() {
    SetupPanel panel;
    panel.setWorkload(QStringLiteral("fashion-mlp"));
    panel.setCheckedDevices({QStringLiteral("cpu")});
    tbtest::RunResultBuilder saved;
    saved.status(tb::RunStatus::Failed).workload("fashion-mlp", "fashion-mnist");
    saved.dataSource("synthetic").plannedEpochs(7).batchSize(100).device("cpu", "Test CPU");
    saved.optimizer("adam", 0.0125);
    panel.useSettingsOf(saved);  // fields now 7 epochs, batch 100, rate 0.0125
    saved.plannedEpochs(0).batchSize(0).optimizer("adam", 0.0);
    const QString unset = panel.useSettingsOf(saved).join(u' ');
    QVERIFY2(unset.contains(QLatin1String("It records no epochs, batch size, learning rate")),
             qPrintable(unset));
    const tb::RunConfig config = panel.configs().constFirst();
    QCOMPARE(config.epochs, 10);
    QCOMPARE(config.batchSize, 32);
    QCOMPARE(config.learningRate, 0.0);  // empty: the workload's
  }

  // History's "Use Settings": a saved run's settings go into the fields, so that Run trains the
  // same benchmark again; what the app cannot set is said, not silently replaced.
  void savedRunSettingsFillTheFields() {
    SetupPanel panel;
    panel.setWorkload(QStringLiteral("cifar10-cnn"));
    tbtest::RunResultBuilder saved;
    saved.workload("fashion-mlp", "fashion-mnist").dataSource("synthetic").samples(2000, 500);
    saved.plannedEpochs(3).batchSize(64).seed(5000000000ULL).threads(1).precision("bf16");
    saved.device("cpu", "Test CPU").optimizer("adam", 0.001);
    QVERIFY(panel.useSettingsOf(saved).isEmpty());
    const auto configs = panel.configs();
    QCOMPARE(configs.size(), 1);
    const tb::RunConfig& config = configs.constFirst();
    QCOMPARE(config.workload, std::string("fashion-mlp"));
    QCOMPARE(config.device, std::string("cpu"));
    QCOMPARE(config.epochs, 3);
    QCOMPARE(config.batchSize, 64);
    QCOMPARE(config.seed, std::uint64_t{5000000000ULL});
    QCOMPARE(config.threads, 1);
    QCOMPARE(config.precision, std::string("bf16"));
    QVERIFY(config.synthetic);
    QCOMPARE(config.trainLimit, std::int64_t{2000});
    QCOMPARE(config.testLimit, std::int64_t{500});
    QCOMPARE(config.timeBudgetSeconds, 0.0);

    QCOMPARE(config.learningRate, 0.0);  // the workload's own: the field stays empty

    // A quick run comes back as Quick, another learning rate as typed; a device this computer
    // lacks is named.
    const std::string absent = tbtest::absentCudaDevice();
    saved.optimizer("adam", 0.0125)
        .device(absent, "Far GPU")
        .projection(30.0, 28.0, 32.0, 10, 60000, 10000);
    const QStringList unset = panel.useSettingsOf(saved);
    QVERIFY(panel.quick());
    QCOMPARE(unset.size(), 1);
    QVERIFY2(unset.join(u' ').contains(QString::fromStdString(absent) +
                                       QLatin1String(" is not on this computer")),
             qPrintable(unset.join(u' ')));
    // Nothing stays ticked: one click on Run must not train the CPU in the GPU's place.
    QVERIFY(panel.configs().isEmpty());
    panel.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(panel.configs().constFirst().learningRate, 0.0125);
    // A server's thread count, more than this computer has, becomes auto, and is said.
    const int threadsHere = QThread::idealThreadCount();
    saved.threads(threadsHere + 30);
    const QString more = panel.useSettingsOf(saved).join(u' ');
    QVERIFY2(more.contains(QStringLiteral("It trained with %1 CPU threads").arg(threadsHere + 30)),
             qPrintable(more));
    panel.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(panel.configs().constFirst().threads, 0);
    saved.threads(1);
    // Its image counts are the full run's it projects, not the part of the test set it reached.
    // A speed switch the app was not started with is said (libraries read them when they load).
    saved.environment({{"GOMP_SPINCOUNT", "12345"}});
    QVERIFY2(panel.useSettingsOf(saved).join(u' ').contains(QLatin1String("GOMP_SPINCOUNT=12345")),
             qPrintable(panel.useSettingsOf(saved).join(u' ')));
    panel.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(panel.configs().constFirst().trainLimit, std::int64_t{60000});
    QCOMPARE(panel.configs().constFirst().testLimit, std::int64_t{10000});
    // A CLI run's budget of two minutes comes back as it was, not as Quick's minute.
    saved.projection(30.0, 28.0, 32.0, 10, 60000, 10000, 120.0).environment({}).device("cpu", "Test CPU");
    const QStringList budgetNotes = panel.useSettingsOf(saved);
    QVERIFY2(budgetNotes.isEmpty(), qPrintable(budgetNotes.join(u' ')));
    panel.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(panel.configs().constFirst().timeBudgetSeconds, 120.0);
    // A budgeted run cancelled before its end has no projection: its settings keep the budget,
    // and Use Settings does not train the full run (hours of ResNet-50 on a CPU).
    tbtest::RunResultBuilder cancelled;
    cancelled.workload("fashion-mlp", "fashion-mnist").plannedEpochs(10).batchSize(32);
    cancelled.device("cpu", "Test CPU");
    cancelled.optimizer("adam", 0.001).status(tb::RunStatus::Cancelled).timeBudget(300.0);
    const QStringList cancelledNotes = panel.useSettingsOf(cancelled);
    QVERIFY2(cancelledNotes.isEmpty(), qPrintable(cancelledNotes.join(u' ')));
    panel.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(panel.configs().constFirst().timeBudgetSeconds, 300.0);
  }

  // A setting this version does not have is refused as `run --from` refuses it, the fields left
  // as they were: it used to keep the field's precision, or train Adam for another optimizer.
  void settingsThisVersionLacksAreRefused() {
    SetupPanel panel;
    panel.setPrecision(QStringLiteral("bf16"));
    panel.setEpochs(4);
    tbtest::RunResultBuilder saved;
    saved.workload("fashion-mlp", "fashion-mnist").plannedEpochs(3).device("cpu", "Test CPU");
    saved.precision("fp8").optimizer("adam", 0.001);
    QStringList unset = panel.useSettingsOf(saved);
    QCOMPARE(unset.size(), 1);
    QVERIFY2(unset.constFirst().contains(QLatin1String("precision fp8")), qPrintable(unset.join(u' ')));
    saved.precision("fp32").optimizer("sgd", 0.1);
    unset = panel.useSettingsOf(saved);
    QCOMPARE(unset.size(), 1);
    QVERIFY2(unset.constFirst().contains(QLatin1String("optimizer sgd")), qPrintable(unset.join(u' ')));
    // Data this version does not know would have trained on the dataset's files.
    saved.optimizer("adam", 0.001).dataSource("stream");
    unset = panel.useSettingsOf(saved);
    QCOMPARE(unset.size(), 1);
    QVERIFY2(unset.constFirst().contains(QLatin1String("data source stream")),
             qPrintable(unset.join(u' ')));
    QCOMPARE(panel.precision(), QStringLiteral("bf16"));
    panel.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(panel.configs().constFirst().epochs, 4);
  }

  // The learning rate: empty is the workload's; a typed one reaches the run and the settings
  // file; one the trainer refuses turns Run off.
  void learningRateReachesTheRun() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("rate.ini"));
    {
      SetupPanel panel;
      panel.setCheckedDevices({QStringLiteral("cpu")});
      QCOMPARE(panel.configs().constFirst().learningRate, 0.0);
      panel.setLearningRate(2e-4);
      QCOMPARE(panel.configs().constFirst().learningRate, 2e-4);
      QVERIFY(panel.problem().isEmpty());
      QSettings settings(file, QSettings::IniFormat);
      panel.saveSettings(settings);
      auto* field = panel.findChild<QLineEdit*>();
      for (QLineEdit* edit : panel.findChildren<QLineEdit*>()) {
        if (edit->text() == QLatin1String("0.0002")) field = edit;
      }
      // Half a number, or a 0 the trainer would have read as the workload's rate.
      for (const char* typed : {"1e", "0", "0.0", "0e5"}) {
        field->setText(QString::fromLatin1(typed));
        QVERIFY2(panel.problem().contains(QStringLiteral("Learning rate \u201c") + QLatin1String(typed)),
                 qPrintable(panel.problem()));
        QVERIFY(!panel.runButton()->isEnabled());
      }
      field->setText(QStringLiteral("0.0002"));
    }
    QSettings settings(file, QSettings::IniFormat);
    SetupPanel restored;
    restored.restoreSettings(settings);
    restored.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(restored.configs().constFirst().learningRate, 2e-4);
  }

  // How often utilisation is sampled (the CLI's --telemetry-interval, which the app lacked):
  // the field reaches the run and the settings file; a hand-edited interval the trainer would
  // refuse keeps the default and is named.
  void utilisationIntervalReachesTheRun() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("interval.ini"));
    {
      SetupPanel panel;
      panel.setCheckedDevices({QStringLiteral("cpu")});
      QCOMPARE(panel.configs().constFirst().telemetryIntervalSeconds, 1.0);
      QDoubleSpinBox* interval = nullptr;
      for (const QLabel* label : panel.findChildren<QLabel*>()) {
        if (QString(label->text()).remove(u'&') == QLatin1String("Utilisation every")) {
          interval = qobject_cast<QDoubleSpinBox*>(label->buddy());
        }
      }
      QVERIFY(interval);
      interval->setValue(0.5);
      QCOMPARE(panel.configs().constFirst().telemetryIntervalSeconds, 0.5);
      QSettings settings(file, QSettings::IniFormat);
      panel.saveSettings(settings);
    }
    {
      QSettings settings(file, QSettings::IniFormat);
      SetupPanel restored;
      QVERIFY(restored.restoreSettings(settings).isEmpty());
      restored.setCheckedDevices({QStringLiteral("cpu")});
      QCOMPARE(restored.configs().constFirst().telemetryIntervalSeconds, 0.5);
      settings.setValue(QStringLiteral("setup/telemetryInterval"), QStringLiteral("0.01"));
    }
    QSettings settings(file, QSettings::IniFormat);
    SetupPanel refused;
    QCOMPARE(refused.restoreSettings(settings),
             QStringList{QStringLiteral("telemetryInterval=0.01")});
    refused.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(refused.configs().constFirst().telemetryIntervalSeconds, 1.0);
  }

  // Any seed the CLI takes and a result file records (up to 2^64-1) can be typed in, saved and
  // restored: the box stopped at 2^31-1, and a larger saved seed silently became 42.
  void everySeedTheCliTakesFits() {
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("seed.ini"));
    {
      SetupPanel panel;
      auto* seed = panel.findChild<SeedField*>();
      QVERIFY(seed != nullptr);
      seed->clear();
      QTest::keyClicks(seed, QStringLiteral("18446744073709551615"));
      panel.setCheckedDevices({QStringLiteral("cpu")});
      QCOMPARE(panel.configs().constFirst().seed, std::uint64_t{18446744073709551615ULL});
      QSettings settings(file, QSettings::IniFormat);
      panel.saveSettings(settings);
    }
    QSettings settings(file, QSettings::IniFormat);
    SetupPanel restored;
    restored.restoreSettings(settings);
    restored.setCheckedDevices({QStringLiteral("cpu")});
    QCOMPARE(restored.configs().constFirst().seed, std::uint64_t{18446744073709551615ULL});

    // Beyond 2^64-1, letters and signs are not taken; an emptied field reads as the default.
    auto* seed = restored.findChild<SeedField*>();
    seed->clear();
    QTest::keyClicks(seed, QStringLiteral("18446744073709551616"));
    QCOMPARE(seed->text(), QStringLiteral("1844674407370955161"));
    seed->clear();
    QTest::keyClicks(seed, QStringLiteral("-7x"));
    QCOMPARE(seed->text(), QStringLiteral("7"));
    seed->clear();
    QCOMPARE(restored.configs().constFirst().seed, std::uint64_t{42});
    QVERIFY(!SeedField::parse(QStringLiteral("+5")) && !SeedField::parse(QStringLiteral(" 5")));
  }
};

QTEST_MAIN(SetupPanelTest)
#include "tst_setup_panel.moc"
