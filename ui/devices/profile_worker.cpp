// ProfileWorker: the step profiles of the profile dialog, off the GUI thread.
#include "devices/profile_worker.h"

#include <exception>

namespace tb::ui {

void ProfileWorker::profile(const QVector<tb::RunConfig>& configs, int steps,
                            const std::shared_ptr<std::atomic<bool>>& cancel) {
  for (int index = 0; index < configs.size() && !cancel->load(); ++index) {
    Q_EMIT profiling(index);
    // The setup panel's own checks, so a bad number reads as it would for a run.
    if (const std::string problem = runConfigProblem(configs[index]); !problem.empty()) {
      Q_EMIT failed(index, QString::fromStdString(problem));
      continue;
    }
    ProfileOptions options;
    options.config = configs[index];
    options.steps = steps;
    try {
      const StepProfile profile = profileTrainingStep(options, *cancel);
      if (cancel->load()) break;  // cut short: its figures cover too few steps
      Q_EMIT profiled(index, profile);
    } catch (const std::exception& e) {
      Q_EMIT failed(index, QString::fromUtf8(e.what()));
    } catch (...) {
      // Whatever LibTorch throws, the dialog must still hear finished() below.
      Q_EMIT failed(index, QStringLiteral("an unknown error"));
    }
  }
  Q_EMIT finished();
}

}  // namespace tb::ui
