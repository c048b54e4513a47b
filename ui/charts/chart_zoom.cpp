#include "charts/chart_zoom.h"

#include "common/qcustomplot_include.h"

namespace tb::ui {

ChartZoom::ChartZoom(QCustomPlot* plot)
    : QObject(plot), m_plot(plot), m_note(new QCPItemText(plot)) {
  plot->setSelectionRectMode(QCP::srmZoom);
  // QCustomPlot starts the rectangle for any button: a right-button drag zoomed too.
  connect(plot->selectionRect(), &QCPSelectionRect::started, this, [plot](QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) plot->selectionRect()->cancel();
  });
  connect(plot->selectionRect(), &QCPSelectionRect::accepted, this, [this] { setZoomed(true); });
  connect(plot, &QCustomPlot::mouseDoubleClick, this, [this] {
    setZoomed(false);
    Q_EMIT fitRequested();
  });
  m_note->position->setType(QCPItemPosition::ptAxisRectRatio);
  m_note->position->setCoords(1.0, 0.0);  // the top right corner, inside
  m_note->setPositionAlignment(Qt::AlignRight | Qt::AlignTop);
  m_note->setPadding(QMargins(4, 1, 4, 1));
  QColor base = plot->palette().color(QPalette::Base);
  base.setAlpha(220);  // over the curves, which it may cover: they stay faintly there
  m_note->setBrush(base);
  m_note->setText(tr("zoomed \u00b7 double-click to fit"));
  QFont font = m_note->font();
  font.setPointSizeF(font.pointSizeF() * 0.85);
  m_note->setFont(font);
  m_note->setColor(plot->palette().color(QPalette::PlaceholderText));
  m_note->setVisible(false);
}

void ChartZoom::setZoomed(bool zoomed) {
  m_zoomed = zoomed;
  m_note->setVisible(zoomed);
}

}  // namespace tb::ui
