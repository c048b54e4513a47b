// SetupPanel's data-parallel run (setup_panel.h): the plan the ticked devices make, its scaling,
// and what stops it before Run, in the panel's words.
#include "panels/setup_panel.h"

#include "common/qt_convert.h"
#include "engine/run_config.h"
#include "run/cli_run.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>

#include <algorithm>
#include <utility>

namespace tb::ui {

QString SetupPanel::inFieldNames(QString text) {
  const std::pair<const char*, QString> names[] = {
      {"--scaling strong", tr("Strong scaling")},
      {"--batch-size", tr("\u201cBatch size\u201d")},
      {"--train-limit", tr("\u201cTraining images\u201d")},
      {"--time-budget", tr("\u201cLength\u201d")}};
  for (const auto& [flag, field] : names) text.replace(QLatin1String(flag), field);
  return text;
}

QString SetupPanel::dataParallelProblem() const {
  const QStringList devices = checkedDevices();
  const bool cpu = devices.contains(QStringLiteral("cpu"));
  const bool gpus = std::any_of(devices.begin(), devices.end(), [](const QString& device) {
    return device.startsWith(QLatin1String("cuda"));
  });
  if (cpu && gpus) {
    return tr("A data-parallel run trains on one kind of device: tick the CPU or the GPUs, not "
              "both.");
  }
  if (!cpu && !gpus) return tr("Data-parallel runs train on NVIDIA GPUs or on the CPU.");
  if (repeats() != 1 || quick()) {
    return tr("A data-parallel run trains once, in full: set Length to Full and Repeats to 1.");
  }
  if (CliRun::program().isEmpty()) {
    return tr("Data-parallel runs need trainbench-cli, installed beside the app.");
  }
  return QString();
}

std::optional<DataParallelPlan> SetupPanel::dataParallelPlan() const {
  const QVector<RunConfig> all = configs();
  if (!m_dataParallel->isChecked() || all.isEmpty()) return std::nullopt;
  DataParallelPlan plan;
  plan.config = all.first();
  plan.config.group.clear();
  plan.config.timeBudgetSeconds = 0.0;
  plan.config.strongScaling = scaling() == QLatin1String("strong");
  if (plan.config.device == "cpu") {
    plan.ranks = m_cpuRanks->value();
    return plan;
  }
  QStringList indices;
  for (const QString& device : checkedDevices()) indices << device.section(QLatin1Char(':'), 1);
  plan.config.device = "cuda";  // each rank takes cuda:LOCAL_RANK of the visible ones
  plan.ranks = static_cast<int>(indices.size());
  plan.cudaDevices = indices.join(QLatin1Char(','));
  return plan;
}

QString SetupPanel::scaling() const { return m_scaling->currentData().toString(); }

void SetupPanel::setScaling(const QString& scaling) {
  if (const int index = m_scaling->findData(scaling); index >= 0) m_scaling->setCurrentIndex(index);
}

void SetupPanel::setDataParallel(bool on, int cpuRanks) {
  m_dataParallel->setChecked(on);
  if (cpuRanks > 0) m_cpuRanks->setValue(cpuRanks);
}

}  // namespace tb::ui
