// A chart's closer look: a rectangle dragged with the left button shows that part (one outlier
// epoch, a loss of 1e5, flattened the rest of a curve); a double-click fits the data again.
// While zoomed, a note in the chart's corner says so, on screen and in exports: a zoomed chart
// exported for a post read as the whole run.
#pragma once

#include <QObject>

class QCPItemText;
class QCustomPlot;

namespace tb::ui {

class ChartZoom final : public QObject {
  Q_OBJECT

 public:
  explicit ChartZoom(QCustomPlot* plot);

  bool zoomed() const { return m_zoomed; }
  // Shows or hides the note; the caller fits the axes to the data where `zoomed` is false.
  void setZoomed(bool zoomed);

 Q_SIGNALS:
  void fitRequested();  // a double-click: the chart is no longer zoomed

 private:
  QCustomPlot* m_plot;
  QCPItemText* m_note;
  bool m_zoomed = false;
};

}  // namespace tb::ui
