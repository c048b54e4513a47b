// The core's plain value types, declared so they can travel in queued signals, and the one
// function that registers them (and the UI's own signal types) with Qt.
#pragma once

#include "data/download.h"
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
Q_DECLARE_METATYPE(tb::PeakFigures)
Q_DECLARE_METATYPE(tb::DownloadProgress)
Q_DECLARE_METATYPE(tb::DatasetSource)

namespace tb::ui {
// Registers every type above, and the UI's enums sent in queued signals. WorkerThread calls it
// before its first queued signal; the registration itself happens once, whoever calls first.
void registerMetaTypes();
}  // namespace tb::ui
