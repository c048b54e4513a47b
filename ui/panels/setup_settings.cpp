// The Setup panel's fields saved in and restored from the settings file ("setup/..." keys).
#include "panels/setup_panel.h"

#include "common/settings_values.h"
#include "panels/seed_field.h"

#include <QComboBox>
#include <QCheckBox>
#include <QLineEdit>
#include <QLocale>
#include <QRadioButton>
#include <QSettings>
#include <QSpinBox>

#include <optional>

namespace tb::ui {

void SetupPanel::saveSettings(QSettings& settings) const {
  settings.beginGroup(QStringLiteral("setup"));
  settings.setValue(QStringLiteral("workload"), workload());
  settings.setValue(QStringLiteral("devices"), checkedDevices());
  settings.setValue(QStringLiteral("threads"), m_threads->value());
  settings.setValue(QStringLiteral("precision"), precision());
  settings.setValue(QStringLiteral("execution"), execution());
  settings.setValue(QStringLiteral("epochs"), m_epochs->value());
  settings.setValue(QStringLiteral("batchSize"), m_batchSize->value());
  // As text: a QVariant of a number above 2^63-1 would be written as a signed one.
  settings.setValue(QStringLiteral("seed"), QString::number(m_seed->value()));
  settings.setValue(QStringLiteral("learningRate"), m_learningRate->text().trimmed());
  settings.setValue(QStringLiteral("trainLimit"), m_trainLimit->value());
  settings.setValue(QStringLiteral("testLimit"), m_testLimit->value());
  settings.setValue(QStringLiteral("synthetic"), m_useSynthetic->isChecked());
  settings.setValue(QStringLiteral("dataDir"), m_dataDir->text());
  settings.setValue(QStringLiteral("repeats"), repeats());
  settings.setValue(QStringLiteral("timeBudget"), timeBudget());
  settings.setValue(QStringLiteral("dataParallel"), m_dataParallel->isChecked());
  settings.setValue(QStringLiteral("cpuRanks"), m_cpuRanks->value());
  settings.setValue(QStringLiteral("scaling"), scaling());
  settings.endGroup();
}

namespace {

// A number from the settings file, only where it is a whole number in the box's range: a
// hand-edited "abc" or "-5" keeps the box's default instead of becoming 0 ("auto", "all").
void restoreNumber(QSpinBox* box, const QVariant& value) {
  if (!value.isValid()) return;
  bool ok = false;
  const qlonglong number = value.toString().trimmed().toLongLong(&ok);
  if (ok && number >= box->minimum() && number <= box->maximum()) {
    box->setValue(static_cast<int>(number));
  }
}

}  // namespace

void SetupPanel::restoreSettings(const QSettings& settings) {
  const auto value = [&settings](const char* key) {
    return settings.value(QStringLiteral("setup/") + QLatin1String(key));
  };
  if (value("workload").isValid()) setWorkload(value("workload").toString());
  if (value("devices").isValid()) setCheckedDevices(value("devices").toStringList());
  if (checkedDevices().isEmpty()) setCheckedDevices({QStringLiteral("cpu")});  // a GPU went away
  restoreNumber(m_threads, value("threads"));
  if (value("precision").isValid()) setPrecision(value("precision").toString());
  if (value("execution").isValid()) setExecution(value("execution").toString());
  restoreNumber(m_epochs, value("epochs"));
  restoreNumber(m_batchSize, value("batchSize"));
  if (value("learningRate").isValid()) {
    // Only a rate the trainer takes; anything else keeps the workload's.
    bool ok = false;
    const double rate = QLocale::c().toDouble(value("learningRate").toString().trimmed(), &ok);
    if (ok && rate >= kMinLearningRate && rate <= kMaxLearningRate) setLearningRate(rate);
  }
  if (const auto seed = SeedField::parse(value("seed").toString().trimmed())) {
    m_seed->setValue(*seed);
  }
  restoreNumber(m_trainLimit, value("trainLimit"));
  restoreNumber(m_testLimit, value("testLimit"));
  if (const auto synthetic = strictBool(value("synthetic"))) setSynthetic(*synthetic);
  if (value("dataDir").isValid()) setDataDir(value("dataDir").toString());
  restoreNumber(m_repeats, value("repeats"));
  // "quick" (a 1-minute budget or none) is what versions before the budget choice saved; it is
  // read where there is no usable budget.
  bool budgetSet = false;
  if (value("timeBudget").isValid()) {
    bool number = false;
    const double seconds = value("timeBudget").toString().trimmed().toDouble(&number);
    budgetSet = number && setTimeBudget(seconds);
  }
  if (!budgetSet) {
    if (const auto quick = strictBool(value("quick"))) setQuick(*quick);
  }
  if (const auto on = strictBool(value("dataParallel"))) m_dataParallel->setChecked(*on);
  restoreNumber(m_cpuRanks, value("cpuRanks"));
  if (value("scaling").isValid()) setScaling(value("scaling").toString());
}

}  // namespace tb::ui
