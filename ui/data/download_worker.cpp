// DownloadWorker: fetchDataset on a worker thread, its progress and outcome as signals.
#include "data/download_worker.h"

#include "common/qt_convert.h"

#include <exception>

namespace tb::ui {

void DownloadWorker::fetch(const tb::DatasetSource& source, const QString& folder,
                           const std::shared_ptr<std::atomic<bool>>& cancel) {
  DownloadOptions options;
  options.cancel = cancel.get();
  options.onProgress = [this](const DownloadProgress& event) { Q_EMIT progress(event); };
  try {
    fetchDataset(source, toStdString(folder), options);
    Q_EMIT finished(Outcome::Done, QString());
  } catch (const DownloadError& e) {
    Q_EMIT finished(
        e.kind() == DownloadError::Kind::Cancelled ? Outcome::Cancelled : Outcome::Failed,
        toQString(e.what()));
  } catch (const std::exception& e) {
    Q_EMIT finished(Outcome::Failed, toQString(e.what()));
  }
}

}  // namespace tb::ui
