// ProfileWorker: the QObject on the profile dialog's own thread that times training steps phase by
// phase (engine/step_profile.h) for one configuration after another and reports each as a signal.
#pragma once

#include "common/metatypes.h"
#include "engine/step_profile.h"

#include <QMetaType>
#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>

// Travels in a queued signal; the dialog registers it (common/metatypes.h lists the core's other
// value types).
Q_DECLARE_METATYPE(tb::StepProfile)

namespace tb::ui {

class ProfileWorker final : public QObject {
  Q_OBJECT

 public:
  using QObject::QObject;

  // Profiles the configurations in order on the calling (worker) thread, `steps` timed steps
  // each. `cancel` ends the profile in progress after its current step and skips the rest; a
  // profile cut short that way is not reported, as its few steps would mislead.
  void profile(const QVector<tb::RunConfig>& configs, int steps,
               const std::shared_ptr<std::atomic<bool>>& cancel);

 Q_SIGNALS:
  void profiling(int index);
  void profiled(int index, const tb::StepProfile& profile);
  void failed(int index, const QString& message);
  // Once per profile(), after the other signals of it.
  void finished();
};

}  // namespace tb::ui
