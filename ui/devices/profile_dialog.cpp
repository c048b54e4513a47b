// ProfileDialog: a stacked bar and a table per run, filled from the profile worker's signals;
// Close cancels the profile and waits for the step in flight.
#include "devices/profile_dialog.h"

#include "common/qcustomplot_include.h"
#include "common/qt_convert.h"
#include "common/screen_fit.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>

namespace tb::ui {

namespace {

constexpr int kDefaultSteps = 200;

}  // namespace

ProfileDialog::ProfileDialog(const QVector<tb::RunConfig>& configs, QWidget* parent)
    : QDialog(parent), m_configs(configs), m_worker(QStringLiteral("TrainBench profile")) {
  qRegisterMetaType<tb::StepProfile>();  // before the worker's first queued signal
  for (const tb::RunConfig& config : m_configs)
    m_rows.push_back({toQString(config.device) + u' ' + toQString(config.precision), {}, {}});
  setWindowTitle(tr("Profile a training step"));
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(
      tr("Trains a few hundred steps of each run, phase by phase, with the device synchronised at "
         "the end of each phase so each phase's time is its own, and says what bounds the step. "
         "Nothing is saved."));
  intro->setWordWrap(true);
  layout->addWidget(intro);

  auto* stepsRow = new QHBoxLayout;
  auto* stepsLabel = new QLabel(tr("Timed &steps per run:"));
  stepsRow->addWidget(stepsLabel);
  m_steps = new QSpinBox;
  stepsLabel->setBuddy(m_steps);  // its name to a screen reader, and Alt+S
  m_steps->setRange(10, 5000);
  m_steps->setValue(kDefaultSteps);
  stepsRow->addWidget(m_steps);
  stepsRow->addStretch(1);
  layout->addLayout(stepsRow);

  m_chart = new QCustomPlot;
  m_chart->setMinimumHeight(220);
  setUpProfileChart(m_chart);
  layout->addWidget(m_chart, 2);

  m_report = new QPlainTextEdit;
  m_report->setReadOnly(true);
  m_report->setLineWrapMode(QPlainTextEdit::NoWrap);
  m_report->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));  // the tables align
  layout->addWidget(m_report, 1);

  m_status = new QLabel;
  layout->addWidget(m_status);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  m_start = buttons->addButton(tr("&Profile"), QDialogButtonBox::ActionRole);
  m_close = buttons->button(QDialogButtonBox::Close);
  connect(m_start, &QPushButton::clicked, this, &ProfileDialog::start);
  connect(buttons, &QDialogButtonBox::rejected, this, &ProfileDialog::reject);
  layout->addWidget(buttons);
  // Enter in the steps field profiles; it pressed Close. Set once the button is in the dialog,
  // which otherwise makes its first button the default.
  m_start->setDefault(true);
  resize(sizeWithinScreen(this, QSize(820, 560 + 24 * static_cast<int>(m_rows.size()))));
  drawChart();

  // Queued: the worker only profiles; every widget change happens here, on the GUI thread.
  ProfileWorker* worker = m_worker.worker();
  connect(worker, &ProfileWorker::profiling, this, [this](int index) {
    m_status->setText(tr("Profiling run %1 of %2 (%3)\u2026")
                          .arg(index + 1)
                          .arg(m_rows.size())
                          .arg(m_rows[index].label));
  });
  connect(worker, &ProfileWorker::profiled, this, &ProfileDialog::showProfile);
  connect(worker, &ProfileWorker::failed, this, &ProfileDialog::showFailure);
  connect(worker, &ProfileWorker::finished, this, &ProfileDialog::finish);
}

ProfileDialog::~ProfileDialog() {
  disconnect(m_worker.worker(), nullptr, this, nullptr);
  if (m_cancel) m_cancel->store(true);
  m_worker.quitAndWait();  // after the step in flight
}

void ProfileDialog::setSteps(int steps) { m_steps->setValue(steps); }

int ProfileDialog::steps() const { return m_steps->value(); }

void ProfileDialog::start() {
  if (m_profiling) return;
  m_profiling = true;
  m_closeWhenDone = false;
  for (ProfileRow& row : m_rows) {
    row.profile.reset();
    row.failure.clear();
  }
  drawChart();
  writeReport();
  m_steps->setEnabled(false);
  m_start->setEnabled(false);
  m_cancel = std::make_shared<std::atomic<bool>>(false);
  m_status->setText(tr("Profiling\u2026"));
  m_worker.post([configs = m_configs, steps = steps(), cancel = m_cancel](ProfileWorker& worker) {
    worker.profile(configs, steps, cancel);
  });
}

int ProfileDialog::profiledCount() const {
  return static_cast<int>(std::count_if(m_rows.begin(), m_rows.end(),
                                        [](const ProfileRow& row) { return bool(row.profile); }));
}

QString ProfileDialog::reportText() const { return m_report->toPlainText(); }

void ProfileDialog::reject() {
  if (!m_profiling) return QDialog::reject();
  // A step in flight cannot be interrupted; the profile stops after it.
  m_cancel->store(true);
  m_closeWhenDone = true;
  m_close->setEnabled(false);
  m_status->setText(tr("Stopping after the current step\u2026"));
}

void ProfileDialog::changeEvent(QEvent* event) {
  QDialog::changeEvent(event);
  if (event->type() == QEvent::PaletteChange) drawChart();
}

void ProfileDialog::showProfile(int index, const tb::StepProfile& profile) {
  m_rows[index].profile = profile;
  drawChart();
  writeReport();
}

void ProfileDialog::showFailure(int index, const QString& message) {
  m_rows[index].failure = message;
  drawChart();
  writeReport();
}

void ProfileDialog::finish() {
  m_profiling = false;
  const int failed = static_cast<int>(std::count_if(
      m_rows.begin(), m_rows.end(), [](const ProfileRow& row) { return !row.failure.isEmpty(); }));
  const int skipped = static_cast<int>(m_rows.size()) - profiledCount() - failed;
  QString status = tr("Done: %1 of %2 runs profiled").arg(profiledCount()).arg(m_rows.size());
  if (failed > 0) status += tr(", %1 failed").arg(failed);
  if (skipped > 0) status += tr(", %1 not profiled (stopped)").arg(skipped);
  m_status->setText(status + u'.');
  m_steps->setEnabled(true);
  m_start->setEnabled(true);
  m_close->setEnabled(true);
  Q_EMIT allDone();
  if (m_closeWhenDone) QDialog::reject();
}

void ProfileDialog::drawChart() { drawProfileBars(m_chart, m_rows, palette()); }

void ProfileDialog::writeReport() {
  QString report;
  for (int i = 0; i < m_rows.size(); ++i) {
    const ProfileRow& row = m_rows[i];
    const QString heading = tr("#%1 %2: ").arg(i + 1).arg(row.label);  // as the chart says
    if (row.profile) {
      // The verdict first, to read at a glance; the table (which ends with it) below.
      report += heading + toQString(row.profile->verdict) + QStringLiteral("\n\n") +
                toQString(profileText(*row.profile)) + u'\n';
    } else if (!row.failure.isEmpty()) {
      report += heading + tr("failed: %1").arg(row.failure) + QStringLiteral("\n\n");
    }
  }
  m_report->setPlainText(report.trimmed());
}

}  // namespace tb::ui
