// The setup panel's fields read and set one by one, and the run configurations they make
// (setup_panel.h); the panel's layout and its checks are in setup_panel.cpp.
#include "panels/setup_panel.h"

#include "common/qt_convert.h"
#include "engine/run_config.h"
#include "panels/seed_field.h"
#include "panels/setup_texts.h"
#include "results/repeats.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QLineEdit>
#include <QLocale>
#include <QRadioButton>
#include <QSpinBox>

#include <algorithm>
#include <cmath>
#include <limits>

namespace tb::ui {

QString SetupPanel::workload() const { return m_workload->currentData().toString(); }

QStringList SetupPanel::checkedDevices() const {
  QStringList devices;
  for (const auto* box : m_devices) {
    if (box->isChecked()) devices << box->property("deviceId").toString();
  }
  return devices;
}

QVector<RunConfig> SetupPanel::configs() const {
  RunConfig base;
  base.workload = toStdString(workload());
  base.epochs = m_epochs->value();
  base.batchSize = m_batchSize->value();
  base.seed = m_seed->value();
  base.learningRate = learningRate();
  base.threads = m_threads->value();
  base.precision = toStdString(precision());
  base.execution = toStdString(execution());
  base.trainLimit = m_trainLimit->value();
  base.testLimit = m_testLimit->value();
  base.telemetryIntervalSeconds = m_telemetryInterval->value();
  base.synthetic = m_useSynthetic->isChecked();
  base.dataDir = toStdString(dataDir());
  base.timeBudgetSeconds = timeBudget();
  QVector<RunConfig> configs;
  // Repeats run back to back on each device; auto starts with one and the controller adds more.
  const int copies = std::max(1, repeats());
  for (const QString& device : checkedDevices()) {
    RunConfig config = base;
    config.device = toStdString(device);
    if (repeats() != 1) config.group = newGroupId();
    for (int copy = 0; copy < copies; ++copy) configs.push_back(config);
  }
  return configs;
}

QVector<RunConfig> SetupPanel::deviceConfigs() const {
  QVector<RunConfig> devices;
  for (const RunConfig& config : configs()) {
    const bool seen = std::any_of(devices.begin(), devices.end(), [&](const RunConfig& other) {
      return other.device == config.device;
    });
    if (!seen) devices.push_back(config);
  }
  return devices;
}

void SetupPanel::setWorkload(const QString& name) {
  const int index = m_workload->findData(name);
  if (index >= 0) m_workload->setCurrentIndex(index);
}

void SetupPanel::setCheckedDevices(const QStringList& devices) {
  for (auto* box : m_devices) box->setChecked(devices.contains(box->property("deviceId").toString()));
}

void SetupPanel::setSynthetic(bool synthetic) {
  (synthetic ? m_useSynthetic : m_useFiles)->setChecked(true);
}

void SetupPanel::setEpochs(int epochs) { m_epochs->setValue(epochs); }

double SetupPanel::learningRate() const {
  const QString text = m_learningRate->text().trimmed();
  if (text.isEmpty()) return 0.0;
  bool ok = false;
  const double rate = QLocale::c().toDouble(text, &ok);
  // "1e", or a typed "0" (which the trainer would read as the workload's rate): problem() says so.
  return ok && rate > 0.0 ? rate : std::numeric_limits<double>::quiet_NaN();
}

QString SetupPanel::learningRateProblem() const {
  const QString text = m_learningRate->text().trimmed();
  if (text.isEmpty() || std::isfinite(learningRate())) return QString();  // its range: below
  return tr("Learning rate \u201c%1\u201d is no rate: type a number above 0, or leave it empty "
            "for the workload's.")
      .arg(text);
}

void SetupPanel::setLearningRate(double rate) {
  // 15 digits: "0.0002", not the shortest form's "2e-04" or 17 digits' "0.00020000000000000001".
  m_learningRate->setText(rate > 0.0 ? QString::number(rate, 'g', 15) : QString());
}
void SetupPanel::setTrainLimit(qint64 limit) { m_trainLimit->setValue(static_cast<int>(limit)); }
int SetupPanel::repeats() const { return m_repeats->value(); }
void SetupPanel::setRepeats(int repeats) { m_repeats->setValue(repeats); }
double SetupPanel::timeBudget() const { return m_length->currentData().toDouble(); }

bool SetupPanel::setTimeBudget(double seconds) {
  if (seconds != 0.0 && !(seconds >= kMinTimeBudgetSeconds && seconds <= kMaxTimeBudgetSeconds))
    return false;
  // Entries are kept in order of budget, the full run (0) first.
  int index = 0;
  while (index < m_length->count() && m_length->itemData(index).toDouble() < seconds) ++index;
  if (index == m_length->count() || m_length->itemData(index).toDouble() != seconds) {
    m_length->insertItem(index, quickLengthText(seconds), seconds);
  }
  m_length->setCurrentIndex(index);
  return true;
}

void SetupPanel::setTestLimit(qint64 limit) { m_testLimit->setValue(static_cast<int>(limit)); }
void SetupPanel::setDataDir(const QString& folder) { m_dataDir->setText(folder); }
QString SetupPanel::precision() const { return m_precision->currentData().toString(); }
QString SetupPanel::execution() const { return m_execution->currentData().toString(); }

void SetupPanel::setExecution(const QString& execution) {
  const int index = m_execution->findData(execution);
  if (index >= 0) m_execution->setCurrentIndex(index);
}

void SetupPanel::setPrecision(const QString& precision) {
  const int index = m_precision->findData(precision);
  if (index >= 0) m_precision->setCurrentIndex(index);
}
QString SetupPanel::dataDir() const {
  QString folder = m_dataDir->text().trimmed();
  if (folder.isEmpty()) return folder;
  // A shell would expand "~/data"; the app must too, or it makes a folder named "~" wherever
  // it was started. A relative folder is the working directory's, said in full.
  if (folder == QLatin1String("~") || folder.startsWith(QLatin1String("~/"))) {
    folder.replace(0, 1, QDir::homePath());
  }
  return QDir::cleanPath(QFileInfo(folder).absoluteFilePath());
}

}  // namespace tb::ui
