// The Setup panel's fields saved in and restored from the settings file ("setup/..." keys).
#include "panels/setup_panel.h"

#include "common/settings_values.h"
#include "panels/seed_field.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
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
  settings.setValue(QStringLiteral("telemetryInterval"), m_telemetryInterval->value());
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
// False where there was a value it could not take.
bool restoreNumber(QSpinBox* box, const QVariant& value) {
  if (!value.isValid()) return true;
  bool ok = false;
  const qlonglong number = value.toString().trimmed().toLongLong(&ok);
  if (!ok || number < box->minimum() || number > box->maximum()) return false;
  box->setValue(static_cast<int>(number));
  return true;
}

// "key=value" as the file has it, cut where a hand edit made it long.
QString entry(const char* key, const QVariant& value) {
  const QString text = value.userType() == QMetaType::QStringList
                           ? value.toStringList().join(u',')
                           : value.toString();
  return QLatin1String(key) + u'=' + (text.size() > 40 ? text.left(39) + QChar(0x2026) : text);
}

}  // namespace

QStringList SetupPanel::restoreSettings(const QSettings& settings) {
  const auto value = [&settings](const char* key) {
    return settings.value(QStringLiteral("setup/") + QLatin1String(key));
  };
  QStringList ignored;
  const auto text = [&](const char* key) { return value(key).toString().trimmed(); };
  if (value("workload").isValid()) {
    setWorkload(text("workload"));
    if (workload() != text("workload")) ignored << entry("workload", value("workload"));
  }
  if (value("devices").isValid()) {
    const QStringList wanted = value("devices").toStringList();
    setCheckedDevices(wanted);
    QStringList absent;
    for (const QString& device : wanted) {
      if (!device.trimmed().isEmpty() && !checkedDevices().contains(device)) absent << device;
    }
    if (!absent.isEmpty()) {
      ignored << tr("devices=%1 (not on this computer now)").arg(absent.join(u','));
    }
  }
  if (checkedDevices().isEmpty()) setCheckedDevices({QStringLiteral("cpu")});  // a GPU went away
  const auto number = [&](QSpinBox* box, const char* key) {
    if (!restoreNumber(box, value(key))) ignored << entry(key, value(key));
  };
  number(m_threads, "threads");
  if (value("precision").isValid()) {
    setPrecision(text("precision"));
    if (precision() != text("precision")) ignored << entry("precision", value("precision"));
  }
  if (value("execution").isValid()) {
    setExecution(text("execution"));
    if (execution() != text("execution")) ignored << entry("execution", value("execution"));
  }
  number(m_epochs, "epochs");
  number(m_batchSize, "batchSize");
  if (!text("learningRate").isEmpty()) {
    // Only a rate the trainer takes; anything else keeps the workload's.
    bool ok = false;
    const double rate = QLocale::c().toDouble(text("learningRate"), &ok);
    if (ok && rate >= kMinLearningRate && rate <= kMaxLearningRate) {
      setLearningRate(rate);
    } else {
      ignored << entry("learningRate", value("learningRate"));
    }
  }
  if (const auto seed = SeedField::parse(text("seed"))) {
    m_seed->setValue(*seed);
  } else if (!text("seed").isEmpty()) {
    ignored << entry("seed", value("seed"));
  }
  number(m_trainLimit, "trainLimit");
  number(m_testLimit, "testLimit");
  if (value("telemetryInterval").isValid()) {
    bool ok = false;
    const double seconds = QLocale::c().toDouble(text("telemetryInterval"), &ok);
    if (ok && seconds >= m_telemetryInterval->minimum() &&
        seconds <= m_telemetryInterval->maximum()) {
      m_telemetryInterval->setValue(seconds);
    } else {
      ignored << entry("telemetryInterval", value("telemetryInterval"));
    }
  }
  const auto flag = [&](const char* key) {
    const auto on = strictBool(value(key));
    if (!on && value(key).isValid()) ignored << entry(key, value(key));
    return on;
  };
  if (const auto synthetic = flag("synthetic")) setSynthetic(*synthetic);
  if (value("dataDir").isValid()) setDataDir(value("dataDir").toString());
  number(m_repeats, "repeats");
  // "quick" (a 1-minute budget or none) is what versions before the budget choice saved; it is
  // read where there is no usable budget.
  bool budgetSet = false;
  if (value("timeBudget").isValid()) {
    bool isNumber = false;
    const double seconds = text("timeBudget").toDouble(&isNumber);
    budgetSet = isNumber && setTimeBudget(seconds);
  }
  if (!budgetSet) {
    if (value("timeBudget").isValid()) ignored << entry("timeBudget", value("timeBudget"));
    if (const auto quick = strictBool(value("quick"))) {
      setQuick(*quick);
    } else if (value("quick").isValid()) {
      ignored << entry("quick", value("quick"));
    }
  }
  if (const auto on = flag("dataParallel")) m_dataParallel->setChecked(*on);
  number(m_cpuRanks, "cpuRanks");
  if (value("scaling").isValid()) {
    setScaling(text("scaling"));
    if (scaling() != text("scaling")) ignored << entry("scaling", value("scaling"));
  }
  return ignored;
}

}  // namespace tb::ui
