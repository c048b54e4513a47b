#include "common/metatypes.h"

namespace tb::ui {

void registerMetaTypes() {
  qRegisterMetaType<tb::RunConfig>();
  qRegisterMetaType<tb::RunStarted>();
  qRegisterMetaType<tb::BatchProgress>();
  qRegisterMetaType<tb::EpochRecord>();
  qRegisterMetaType<tb::TestRecord>();
  qRegisterMetaType<tb::TelemetrySample>();
  qRegisterMetaType<tb::RunResult>();
}

}  // namespace tb::ui
