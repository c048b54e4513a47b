#include "devices/probe_dialog.h"

#include "common/qt_convert.h"
#include "devices/device_id.h"
#include "devices/peak_probe.h"

#include <QDialogButtonBox>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QThread>
#include <QVBoxLayout>

#include <exception>

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
      m_measure(measure ? std::move(measure) : Measure(measureWithCore)) {
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
  resize(760, 160 + 32 * static_cast<int>(m_targets.size()));
}

ProbeDialog::~ProbeDialog() {
  m_stop = true;
  if (m_thread) m_thread->wait();
}

void ProbeDialog::start() {
  if (m_measuring) return;
  m_measuring = true;
  m_stop = false;
  m_status->setText(tr("Measuring\u2026 about 2 s per device."));
  // The thread only measures; every widget change is posted back to the GUI thread. The dialog
  // outlives the thread (its destructor waits), so `this` stays valid in the posted calls.
  m_thread.reset(QThread::create([this] {
    for (int row = 0; row < m_targets.size() && !m_stop; ++row) {
      QMetaObject::invokeMethod(this, [this, row] {
        m_table->item(row, Note)->setText(tr("measuring\u2026"));
      }, Qt::QueuedConnection);
      try {
        const PeakFigures peak = m_measure(m_targets[row]);
        QMetaObject::invokeMethod(this, [this, row, peak] { showFigures(row, peak); },
                                  Qt::QueuedConnection);
      } catch (const std::exception& e) {
        const QString reason = QString::fromUtf8(e.what());
        QMetaObject::invokeMethod(this, [this, row, reason] { showFailure(row, reason); },
                                  Qt::QueuedConnection);
      }
    }
  }));
  connect(m_thread.get(), &QThread::finished, this, &ProbeDialog::finish);
  m_thread->start();
}

void ProbeDialog::reject() {
  if (!m_measuring) return QDialog::reject();
  // A matmul in flight cannot be interrupted; stop after it instead of freezing the window.
  m_stop = true;
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
  m_table->item(row, Note)->setForeground(Qt::darkRed);
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
