// The phases of a training step (engine/train_step.h), apart from the step itself so that the
// app's profile view can name them without LibTorch's headers (which must stay out of the
// headers Qt's moc reads).
#pragma once

namespace tb {

// The parts of a step, in the order they run. A step without an exchange skips Exchange.
enum class StepPhase { Data, Forward, Backward, Exchange, Optimizer };
inline constexpr StepPhase kStepPhases[] = {StepPhase::Data, StepPhase::Forward,
                                            StepPhase::Backward, StepPhase::Exchange,
                                            StepPhase::Optimizer};
const char* toString(StepPhase phase);  // "data", "forward", "backward", "exchange", "optimizer"

// Told as each phase of a step ends; `trainbench-cli profile` synchronises the device and reads
// the clock there. A run passes none.
class PhaseObserver {
 public:
  virtual ~PhaseObserver() = default;
  virtual void phaseEnded(StepPhase phase) = 0;
};

}  // namespace tb
