// ProbeDialog: a row per device, filled from the probe worker's signals; Close waits for the
// device being measured.
#include "devices/probe_dialog.h"

#include "common/qt_convert.h"
#include "common/screen_fit.h"
#include "common/status_colors.h"
#include "devices/device_id.h"
#include "devices/peak_probe.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace tb::ui {

namespace {

enum Column { Device, Fp32, Tf32, Bf16, Fp16, Bandwidth, Note, ColumnCount };

PeakFigures measureWithCore(const ProbeTarget& target) {
  return measurePeakForRuns(resolveDevice(toStdString(target.device)), target.threads);
}

QTableWidgetItem* numberItem(const QString& text) {
  auto* item = new QTableWidgetItem(text);
  item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
  return item;
}

}  // namespace

ProbeDialog::ProbeDialog(QVector<ProbeTarget> targets, QWidget* parent, Measure measure)
    : QDialog(parent),
      m_targets(std::move(targets)),
      m_measure(measure ? std::move(measure) : Measure(measureWithCore)),
      m_worker(QStringLiteral("TrainBench probe")) {
  setWindowTitle(tr("Measure device peaks"));
  auto* layout = new QVBoxLayout(this);
  auto* intro = new QLabel(
      tr("Dense matrix products in each precision the device supports, and a large copy within "
         "its memory: what the device can do at best. Runs started afterwards report their "
         "throughput as a share of these figures."));
  intro->setWordWrap(true);
  layout->addWidget(intro);

  m_table = new QTableWidget(static_cast<int>(m_targets.size()), ColumnCount);
  m_table->setHorizontalHeaderLabels({tr("Device"), tr("FP32 TFLOPS"), tr("TF32 TFLOPS"),
                                      tr("BF16 TFLOPS"), tr("FP16 TFLOPS"), tr("Copy GB/s"),
                                      tr("Note")});
  m_table->verticalHeader()->hide();
  m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
  m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
  m_table->horizontalHeader()->setStretchLastSection(true);
  for (int row = 0; row < m_targets.size(); ++row) {
    const ProbeTarget& target = m_targets[row];
    QString label = target.device;
    if (target.device == QLatin1String("cpu") && target.threads > 0)
      label += target.threads == 1 ? tr(" (1 thread)") : tr(" (%1 threads)").arg(target.threads);
    m_table->setItem(row, Device, new QTableWidgetItem(label));
    m_table->setItem(row, Note, new QTableWidgetItem(tr("waiting")));
  }
  layout->addWidget(m_table, 1);

  m_status = new QLabel;
  layout->addWidget(m_status);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
  m_close = buttons->button(QDialogButtonBox::Close);
  connect(buttons, &QDialogButtonBox::rejected, this, &ProbeDialog::reject);
  layout->addWidget(buttons);
  resize(sizeWithinScreen(this, QSize(760, 160 + 32 * static_cast<int>(m_targets.size()))));

  // Queued: the worker only measures; every widget change happens here, on the GUI thread.
  ProbeWorker* worker = m_worker.worker();
  connect(worker, &ProbeWorker::measuring, this,
          [this](int row) { m_table->item(row, Note)->setText(tr("measuring\u2026")); });
  connect(worker, &ProbeWorker::measured, this, &ProbeDialog::showFigures);
  connect(worker, &ProbeWorker::failed, this, &ProbeDialog::showFailure);
  connect(worker, &ProbeWorker::finished, this, &ProbeDialog::finish);
}

ProbeDialog::~ProbeDialog() {
  disconnect(m_worker.worker(), nullptr, this, nullptr);
  if (m_stop) m_stop->store(true);
  m_worker.quitAndWait();  // after the device being measured (a second or two)
}

void ProbeDialog::start() {
  if (m_measuring) return;
  m_measuring = true;
  m_stop = std::make_shared<std::atomic<bool>>(false);
  m_status->setText(tr("Measuring\u2026 about 2 s per device."));
  m_worker.post([targets = m_targets, measure = m_measure, stop = m_stop](ProbeWorker& worker) {
    worker.measure(targets, measure, stop);
  });
}

void ProbeDialog::reject() {
  if (!m_measuring) return QDialog::reject();
  // A matmul in flight cannot be interrupted; stop after it instead of freezing the window.
  m_stop->store(true);
  m_closeWhenDone = true;
  m_close->setEnabled(false);
  m_status->setText(tr("Finishing the device being measured\u2026"));
}

void ProbeDialog::showFigures(int row, const PeakFigures& peak) {
  m_table->setItem(row, Fp32, numberItem(formatOptional(peak.fp32Tflops, 3)));
  m_table->setItem(row, Tf32, numberItem(formatOptional(peak.tf32Tflops, 3)));
  m_table->setItem(row, Bf16, numberItem(formatOptional(peak.bf16Tflops, 3)));
  m_table->setItem(row, Fp16, numberItem(formatOptional(peak.fp16Tflops, 3)));
  m_table->setItem(row, Bandwidth, numberItem(formatOptional(peak.bandwidthGbs, 1)));
  m_table->item(row, Note)->setText(toQString(peak.note));
}

void ProbeDialog::showFailure(int row, const QString& reason) {
  m_table->item(row, Note)->setText(tr("failed: %1").arg(reason));
  m_table->item(row, Note)->setForeground(errorTextColor(m_table->palette()));
}

void ProbeDialog::finish() {
  m_measuring = false;
  for (int row = 0; row < m_targets.size(); ++row) {
    if (m_table->item(row, Note)->text() == tr("waiting"))
      m_table->item(row, Note)->setText(tr("not measured (closed)"));
  }
  m_status->setText(tr("Done."));
  m_close->setEnabled(true);
  Q_EMIT allMeasured();
  if (m_closeWhenDone) QDialog::reject();
}

}  // namespace tb::ui
