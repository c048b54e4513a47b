// The core's plain value types, registered so they can travel in queued signals.
#pragma once

#include "engine/run_config.h"
#include "engine/run_observer.h"
#include "results/run_result.h"

#include <QMetaType>

Q_DECLARE_METATYPE(tb::RunConfig)
Q_DECLARE_METATYPE(tb::RunStarted)
Q_DECLARE_METATYPE(tb::BatchProgress)
Q_DECLARE_METATYPE(tb::EpochRecord)
Q_DECLARE_METATYPE(tb::TestRecord)
Q_DECLARE_METATYPE(tb::TelemetrySample)
Q_DECLARE_METATYPE(tb::RunResult)

namespace tb::ui {
// Call once before the first queued connection (QApplication start-up, test initTestCase).
void registerMetaTypes();
}  // namespace tb::ui
