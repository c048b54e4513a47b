// MainWindow::checkMachineInBackground (main_window.h): what may slow the runs about to start,
// said in the notice bar without ever blocking them.
#include "window/main_window.h"

#include "common/qt_convert.h"
#include "devices/blas_library.h"
#include "machine/disturbance.h"
#include "panels/setup_panel.h"

#include <QStringList>
#include <QThread>

#include <algorithm>
#include <memory>

namespace tb::ui {

void MainWindow::checkMachineInBackground() {
  // Known at once and no matter of load: the CPU's matrix products on the reference BLAS.
  const auto configs = m_setup->configs();
  const bool onCpu = std::any_of(configs.begin(), configs.end(),
                                 [](const RunConfig& config) { return config.device == "cpu"; });
  const QString blas = onCpu ? toQString(referenceBlasWarning(loadedBlasLibrary())) : QString();
  if (m_machineCheck || qEnvironmentVariableIsSet("TRAINBENCH_SKIP_MACHINE_CHECK")) {
    if (!blas.isEmpty()) showNotice(blas, true);
    return;
  }
  // A second's sample of the machine, off the GUI thread; the first run starts meanwhile (its
  // own CPU is not counted). The warning never blocks the run.
  auto warnings = std::make_shared<QStringList>();
  if (!blas.isEmpty()) warnings->append(blas);
  m_machineCheck = QThread::create([warnings] {
    for (const std::string& warning : checkMachineBeforeRun()) warnings->append(toQString(warning));
  });
  m_machineCheck->setParent(this);
  connect(m_machineCheck, &QThread::finished, this, [this, warnings] {
    if (!warnings->isEmpty()) showNotice(warnings->join(QLatin1Char(' ')), true);
    m_machineCheck->deleteLater();
    m_machineCheck = nullptr;
  });
  m_machineCheck->start();
}

}  // namespace tb::ui
