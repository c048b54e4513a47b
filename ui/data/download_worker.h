// DownloadWorker: the QObject on the download dialog's own thread that runs one dataset fetch
// (the core's blocking, libcurl-based fetchDataset) and reports it as signals.
#pragma once

#include "common/metatypes.h"
#include "data/download.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace tb::ui {

class DownloadWorker final : public QObject {
  Q_OBJECT

 public:
  enum class Outcome { Done, Failed, Cancelled };
  Q_ENUM(Outcome)

  using QObject::QObject;

  // Fetches `source` into `folder` on the calling (worker) thread. The flag is shared because
  // the GUI thread sets it while this call is busy downloading.
  void fetch(const tb::DatasetSource& source, const QString& folder,
             const std::shared_ptr<std::atomic<bool>>& cancel);

 Q_SIGNALS:
  void progress(const tb::DownloadProgress& event);
  // Exactly once per fetch(), after every progress signal of it.
  void finished(tb::ui::DownloadWorker::Outcome outcome, const QString& message);
};

}  // namespace tb::ui
