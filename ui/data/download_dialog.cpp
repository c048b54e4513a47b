// DownloadDialog: the worker thread, progress display, Cancel and Retry of one dataset download.
#include "data/download_dialog.h"

#include "common/qt_convert.h"
#include "common/status_colors.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace tb::ui {

namespace {

// The bar counts permille: byte counts overflow an int beyond 2 GB.
constexpr int kBarRange = 1000;

QString bytesText(std::int64_t bytes) { return toQString(formatBytes(bytes)); }

QString secondsText(double seconds) {
  const auto whole = static_cast<qint64>(seconds + 0.5);
  if (whole < 60) return DownloadDialog::tr("%n s", nullptr, static_cast<int>(whole));
  return DownloadDialog::tr("%1 min %2 s").arg(whole / 60).arg(whole % 60);
}

}  // namespace

DownloadDialog::DownloadDialog(const tb::DatasetSource& source, const QString& folder,
                               QWidget* parent)
    : QDialog(parent),
      m_source(source),
      m_folder(folder),
      m_worker(QStringLiteral("TrainBench download")) {
  setWindowTitle(tr("Download %1").arg(toQString(source.title)));
  setMinimumWidth(520);

  m_heading = new QLabel;
  auto* where = new QLabel(tr("into %1").arg(folder));
  where->setWordWrap(true);
  where->setTextInteractionFlags(Qt::TextSelectableByMouse);
  where->setForegroundRole(QPalette::PlaceholderText);
  m_file = new QLabel;
  m_file->setWordWrap(true);
  m_bar = new QProgressBar;
  m_bar->setRange(0, kBarRange);
  m_bar->setTextVisible(false);
  m_progress = new QLabel(QStringLiteral(" "));
  m_errorLabel = new QLabel;
  m_errorLabel->setWordWrap(true);
  m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
  useErrorText(m_errorLabel);
  m_errorLabel->hide();

  auto* buttons = new QDialogButtonBox;
  m_retry = buttons->addButton(tr("Retry"), QDialogButtonBox::ActionRole);
  m_retry->hide();
  m_cancelButton = buttons->addButton(QDialogButtonBox::Cancel);
  connect(m_retry, &QPushButton::clicked, this, &DownloadDialog::start);
  connect(buttons, &QDialogButtonBox::rejected, this, &DownloadDialog::reject);

  auto* layout = new QVBoxLayout(this);
  layout->addWidget(m_heading);
  layout->addWidget(where);
  layout->addSpacing(6);
  layout->addWidget(m_file);
  layout->addWidget(m_bar);
  layout->addWidget(m_progress);
  layout->addWidget(m_errorLabel);
  layout->addStretch(1);
  layout->addWidget(buttons);

  // Queued: the handlers run on the GUI thread, in the order the core reported.
  connect(m_worker.worker(), &DownloadWorker::progress, this, &DownloadDialog::onProgress);
  connect(m_worker.worker(), &DownloadWorker::finished, this, &DownloadDialog::onFinished);
}

DownloadDialog::~DownloadDialog() {
  disconnect(m_worker.worker(), nullptr, this, nullptr);
  if (m_cancel) m_cancel->store(true);
  m_worker.quitAndWait();  // the transfer sees the flag within a second
}

bool DownloadDialog::download(QWidget* parent, const tb::DatasetSource& source,
                              const QString& folder) {
  DownloadDialog dialog(source, folder, parent);
  dialog.start();
  return dialog.exec() == QDialog::Accepted;
}

void DownloadDialog::start() {
  if (m_state == State::Running || m_state == State::Cancelling) return;
  m_error.clear();
  m_heading->setText(
      tr("<b>Downloading %1</b> (%2)")
          .arg(toQString(m_source.title).toHtmlEscaped(), bytesText(m_source.totalBytes())));
  m_errorLabel->hide();
  m_bar->show();
  m_progress->show();
  m_retry->hide();
  m_cancelButton->setEnabled(true);
  m_cancelButton->setText(tr("Cancel"));
  m_file->setText(tr("Connecting\u2026"));
  // A fresh flag per attempt: a Cancel aimed at one can never stop the next.
  m_cancel = std::make_shared<std::atomic<bool>>(false);
  setState(State::Running);
  m_worker.post([source = m_source, folder = m_folder, cancel = m_cancel](DownloadWorker& worker) {
    worker.fetch(source, folder, cancel);
  });
}

QString DownloadDialog::progressText() const { return m_progress->text(); }

void DownloadDialog::reject() {
  if (m_state == State::Running) {
    // The worker ends the transfer and reports Cancelled; the dialog closes then.
    m_cancel->store(true);
    m_cancelButton->setEnabled(false);
    m_file->setText(tr("Cancelling\u2026"));
    setState(State::Cancelling);
    return;
  }
  if (m_state == State::Cancelling) return;
  QDialog::reject();
}

void DownloadDialog::onProgress(const tb::DownloadProgress& event) {
  using Stage = DownloadProgress::Stage;
  const QString file =
      tr("%1 (%2 of %3)").arg(toQString(event.file)).arg(event.fileIndex).arg(event.fileCount);
  const QString host = QUrl(toQString(event.url)).host();
  switch (event.stage) {
    case Stage::Started:
    case Stage::Transferring:
      m_file->setText(host.isEmpty() ? file : tr("%1 from %2").arg(file, host));
      break;
    case Stage::Verifying:
      m_file->setText(tr("%1: checking its MD5\u2026").arg(file));
      break;
    case Stage::FileDone:
      m_file->setText(tr("%1: verified").arg(file));
      break;
    case Stage::FileSkipped:
      m_file->setText(tr("%1: already here").arg(file));
      break;
    case Stage::Retrying:
      m_file->setText(tr("%1: %2: %3").arg(file, host, toQString(event.message)));
      break;
  }
  if (event.total <= 0) return;
  m_bar->setValue(static_cast<int>(kBarRange * event.done / event.total));
  QString text = tr("%1 of %2").arg(bytesText(event.done), bytesText(event.total));
  if (event.bytesPerSecond > 0) {
    text += QStringLiteral(" \u00b7 ") +
            tr("%1/s").arg(bytesText(static_cast<std::int64_t>(event.bytesPerSecond)));
    if (event.done < event.total) {
      const double left = static_cast<double>(event.total - event.done) / event.bytesPerSecond;
      text += QStringLiteral(" \u00b7 ") + tr("about %1 left").arg(secondsText(left));
    }
  }
  m_progress->setText(text);
}

void DownloadDialog::onFinished(DownloadWorker::Outcome outcome, const QString& message) {
  switch (outcome) {
    case DownloadWorker::Outcome::Done:
      m_bar->setValue(kBarRange);
      setState(State::Done);
      accept();
      break;
    case DownloadWorker::Outcome::Cancelled:
      setState(State::Cancelled);
      QDialog::reject();
      break;
    case DownloadWorker::Outcome::Failed:
      m_error = message;
      m_heading->setText(
          tr("<b>Could not download %1</b>").arg(toQString(m_source.title).toHtmlEscaped()));
      m_file->clear();
      m_bar->hide();
      m_progress->hide();
      m_errorLabel->setText(message);
      m_errorLabel->show();
      m_retry->show();
      m_cancelButton->setEnabled(true);
      m_cancelButton->setText(tr("Close"));
      // The message's last words are the fix (a mirror to set): the dialog grows to show it all.
      adjustSize();
      setState(State::Failed);
      break;
  }
}

void DownloadDialog::setState(State state) { m_state = state; }

}  // namespace tb::ui
