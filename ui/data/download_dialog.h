// DownloadDialog: downloads one dataset on a worker thread it owns, showing the file, bytes,
// rate and time left, with Cancel; on failure it shows why and offers Retry.
#pragma once

#include "common/worker_thread.h"
#include "data/dataset_sources.h"
#include "data/download_worker.h"

#include <QDialog>
#include <QString>

#include <atomic>
#include <memory>

class QLabel;
class QProgressBar;
class QPushButton;

namespace tb::ui {

class DownloadDialog final : public QDialog {
  Q_OBJECT

 public:
  enum class State { Idle, Running, Cancelling, Done, Failed, Cancelled };

  DownloadDialog(const tb::DatasetSource& source, const QString& folder, QWidget* parent = nullptr);
  ~DownloadDialog() override;  // cancels a running download, quits and waits for the thread

  // Shows the dialog modally and downloads; true once every file is in place and verified.
  static bool download(QWidget* parent, const tb::DatasetSource& source, const QString& folder);

  // Starts (or retries) the download. The dialog accepts itself when it succeeds.
  void start();
  State state() const { return m_state; }
  QString errorText() const { return m_error; }
  QString progressText() const;  // the bytes / rate / time-left line, as shown

 public Q_SLOTS:
  // Cancel, Esc and the close button: a running download is cancelled first (within a second),
  // then the dialog closes.
  void reject() override;

 private:
  void onProgress(const tb::DownloadProgress& event);
  void onFinished(DownloadWorker::Outcome outcome, const QString& message);
  void setState(State state);

  tb::DatasetSource m_source;
  QString m_folder;
  WorkerThread<DownloadWorker> m_worker;
  std::shared_ptr<std::atomic<bool>> m_cancel;
  State m_state = State::Idle;
  QString m_error;
  QLabel* m_heading = nullptr;
  QLabel* m_file = nullptr;
  QProgressBar* m_bar = nullptr;
  QLabel* m_progress = nullptr;
  QLabel* m_errorLabel = nullptr;
  QPushButton* m_retry = nullptr;
  QPushButton* m_cancelButton = nullptr;
};

}  // namespace tb::ui
