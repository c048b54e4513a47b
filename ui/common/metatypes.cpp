// Every qRegisterMetaType of the UI, in one place.
#include "common/metatypes.h"

#include "data/download_worker.h"
#include "history/result_reader.h"

namespace tb::ui {

void registerMetaTypes() {
  [[maybe_unused]] static const bool registered = [] {
    qRegisterMetaType<tb::RunConfig>();
    qRegisterMetaType<tb::RunStarted>();
    qRegisterMetaType<tb::BatchProgress>();
    qRegisterMetaType<tb::EpochRecord>();
    qRegisterMetaType<tb::TestRecord>();
    qRegisterMetaType<tb::TelemetrySample>();
    qRegisterMetaType<tb::RunResult>();
    qRegisterMetaType<tb::PeakFigures>();
    qRegisterMetaType<tb::DownloadProgress>();
    qRegisterMetaType<tb::DatasetSource>();
    qRegisterMetaType<tb::ui::DownloadWorker::Outcome>();
    qRegisterMetaType<QVector<tb::ui::ResultFileRead>>();
    return true;
  }();
}

}  // namespace tb::ui
