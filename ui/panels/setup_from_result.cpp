// SetupPanel::useSettingsOf (setup_panel.h): History's "Use Settings" puts a saved run's settings
// in the fields, as `trainbench-cli run --from FILE` does on the command line.
#include "panels/setup_panel.h"

#include "common/qt_convert.h"
#include "data/data_paths.h"
#include "machine/speed_switches.h"
#include "models/workload_catalog.h"
#include "panels/seed_field.h"
#include "results/scaling.h"

#include <QCheckBox>
#include <QComboBox>
#include <QSpinBox>
#include <QThread>

#include <algorithm>
#include <climits>
#include <cmath>
#include <optional>

namespace tb::ui {

namespace {

// The rate `workload` trains with when the Learning rate field is left empty.
std::optional<double> catalogLearningRate(const std::string& workload) {
  for (const auto& info : workloadCatalog()) {
    if (info.name == workload) return info.learningRate;
  }
  return std::nullopt;
}

}  // namespace

QStringList SetupPanel::useSettingsOf(const RunResult& result) {
  QStringList unset;
  const QString workloadName = toQString(result.workload.name);
  if (m_workload->findData(workloadName) < 0) {
    return {tr("The run trained %1, which this version does not have.").arg(workloadName)};
  }
  // As `run --from` refuses them: a setting the app lacks would silently become another one.
  if (!result.config.optimizer.empty() && result.config.optimizer != "adam") {
    return {tr("The run trained with the optimizer %1, which this version does not have.")
                .arg(toQString(result.config.optimizer))};
  }
  const QString precision = toQString(result.config.precision);
  if (!precision.isEmpty() && m_precision->findData(precision) < 0) {
    return {tr("The run trained in the precision %1, which this version does not have.")
                .arg(precision)};
  }
  // Data this version does not know would train on the dataset's files instead.
  const std::string& source = result.workload.dataSource;
  if (!knownDataSource(source)) {
    return {tr("The run trained on the data source %1, which this version does not have.")
                .arg(toQString(source))};
  }
  setWorkload(workloadName);
  // First: what the file does not record stays the workload's default, not whatever the fields
  // held (setWorkload sets them only when the workload changes).
  applyWorkloadDefaults();
  const QString device = toQString(result.device.id);
  const bool here = std::any_of(m_devices.begin(), m_devices.end(), [&](const QCheckBox* box) {
    return box->property("deviceId").toString() == device;
  });
  // A device this computer lacks leaves none ticked: Run must not train the CPU instead.
  setCheckedDevices(here ? QStringList{device} : QStringList{});
  if (!here) unset << tr("%1 is not on this computer: tick the device to run it on.").arg(device);
  setDataParallel(false);
  // Its scaling and CPU ranks are set, for when data-parallel is ticked again.
  const auto& distributed = result.distributed;
  if (distributed) {
    setScaling(toQString(distributed->scaling));
    if (result.device.kind == "cpu" && distributed->worldSize >= 1 &&
        distributed->worldSize <= kMaxCpuRanks) {
      m_cpuRanks->setValue(distributed->worldSize);
    }
  }
  if (distributed && distributed->worldSize > 1) {
    unset << tr("It was a data-parallel run of %1 ranks: tick \u201cData-parallel over the ticked "
                "devices\u201d to run one again.")
                 .arg(result.distributed->worldSize);
  }
  if (result.config.epochs > 0) setEpochs(result.config.epochs);
  // A strong-scaling result records each rank's share of the batch; Batch size is the run's.
  // (A file without the global batch: each rank's share times the ranks.)
  int batch = result.config.batchSize;
  if (distributed && distributed->scaling == "strong") {
    batch = distributed->globalBatch > 0 ? distributed->globalBatch
                                         : result.config.batchSize * distributed->worldSize;
  }
  if (batch > 0) m_batchSize->setValue(batch);
  m_seed->setValue(result.config.seed);
  // A count equal to its machine's cores was that machine's default: auto, this one's, applies.
  // More than this computer's threads (a server's run) would oversubscribe it: auto instead.
  // A data-parallel result records each rank's threads; CPU threads is the run's on its machine.
  const int threads = threadsOnMachine(result);
  const int threadsHere = QThread::idealThreadCount();
  if (threads > threadsHere) {
    unset << tr("It trained with %1 CPU threads; this computer has %2: CPU threads is auto.")
                 .arg(threads)
                 .arg(threadsHere);
  }
  m_threads->setValue(threads > 0 && threads <= threadsHere && threads != result.system.physicalCores
                          ? threads
                          : 0);
  if (!precision.isEmpty()) setPrecision(precision);
  // A graph run that fell back to eager asked for graph; on another device the device's own.
  if (here) {
    setExecution(result.config.executionFallback.empty() ? toQString(result.config.execution)
                                                         : QStringLiteral("graph"));
  }
  setSynthetic(result.workload.dataSource == "synthetic");
  // The file does not record where its own files were: the data folder set here is used.
  if (result.workload.dataSource == kCustomFiles) {
    unset << tr("It trained on custom files (not the published set), whose folder the result "
                "does not record: set the dataset folder under Data to the same files to train "
                "the same.");
  }
  // A run that failed before loading its data recorded no image counts: all images. A quick
  // run's are those of the full run it projects (it evaluated only part of the test images).
  const auto limit = [](std::int64_t samples) {
    return samples > 0 && samples <= INT_MAX ? samples : 0;
  };
  const auto& projected = result.projection;
  setTrainLimit(limit(projected ? projected->trainSamples : result.workload.trainSamples));
  setTestLimit(limit(projected ? projected->testSamples : result.workload.testSamples));
  const double budget = savedTimeBudget(result);
  // Length gains an entry for a budget it does not offer (the CLI takes any).
  if (!setTimeBudget(budget)) {
    setQuick(true);
    unset << tr("Its time budget was %1 s, which a run does not accept; Quick trains for %2 s.")
                 .arg(budget)
                 .arg(kQuickBudgetSeconds);
  }
  // Read by the libraries when they load: only the user, starting the app, can set these.
  if (const auto here = speedSwitches(); here != result.config.environment) {
    const QString then =
        result.config.environment.empty()
            ? tr("It ran with no speed-changing environment variables set")
            : tr("It ran with the speed-changing environment variables %1")
                  .arg(toQString(speedSwitchesText(result.config.environment)));
    const QString now = here.empty() ? tr("this app has none")
                                     : tr("this app has %1").arg(toQString(speedSwitchesText(here)));
    unset << tr("%1; %2 (start the app with the same ones to measure the same benchmark).")
                 .arg(then, now);
  }
  // A run that ended before it chose them recorded 0 (as `run --from` says too).
  QStringList lacking;
  if (result.config.epochs <= 0) lacking << tr("epochs");
  if (batch <= 0) lacking << tr("batch size");
  if (!(result.config.learningRate > 0.0)) lacking << tr("learning rate");
  if (!lacking.isEmpty()) {
    unset << tr("It records no %1: the workload's default is set.").arg(lacking.join(tr(", ")));
  }
  // The workload's own rate leaves the field empty (the default); another is typed in.
  const auto workloadRate = catalogLearningRate(result.workload.name);
  const double rate = result.config.learningRate;
  setLearningRate(workloadRate && std::abs(rate - *workloadRate) <= 1e-12 * *workloadRate ? 0.0
                                                                                          : rate);
  return unset;
}

}  // namespace tb::ui
