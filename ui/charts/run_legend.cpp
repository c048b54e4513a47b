// Legend entries as check boxes: keyboard- and screen-reader-friendly, and they wrap onto as
// many lines as the labels need instead of covering a chart.
#include "charts/run_legend.h"

#include "charts/flow_layout.h"
#include "charts/run_markers.h"
#include "common/qt_convert.h"
#include "model/run_collection.h"

#include <QAction>
#include <QCheckBox>
#include <QLabel>
#include <QPainter>
#include <QPixmap>
#include <QSet>

namespace tb::ui {

namespace {

const char* const kColorProperty = "tbColor";  // the colour an entry's icon was drawn in
const char* const kMarkerProperty = "tbMarker";  // and its marker
constexpr int kEntryMinWidth = 90;                 // the box, the swatch and a few letters

// A short line with the run's marker, like the series it stands for.
QIcon swatch(const QColor& color, int marker, qreal devicePixelRatio) {
  const QSize size(22, 12);
  QPixmap pixmap(size * devicePixelRatio);
  pixmap.setDevicePixelRatio(devicePixelRatio);
  pixmap.fill(Qt::transparent);
  QCPPainter painter(&pixmap);
  painter.setRenderHint(QPainter::Antialiasing);
  painter.setPen(QPen(color, 2.5));
  painter.drawLine(QPointF(1, 6), QPointF(21, 6));
  const QCPScatterStyle style = runMarkerStyle(marker, color, 8);
  style.applyTo(&painter, QPen(color));
  style.drawShape(&painter, 11, 6);
  return QIcon(pixmap);
}

}  // namespace

RunLegend::RunLegend(RunCollection* runs, QWidget* parent)
    : QWidget(parent), m_runs(runs), m_layout(nullptr), m_empty(new QLabel(this)) {
  m_layout = new FlowLayout(this, /*horizontalSpacing=*/14, /*verticalSpacing=*/0);
  m_layout->setContentsMargins(4, 2, 4, 2);
  m_empty->setText(tr("No runs to chart yet: start a run, or open saved results."));
  m_empty->setForegroundRole(QPalette::PlaceholderText);
  m_layout->addWidget(m_empty);
  // As tall as the wrapped entries need (height for width). Not Fixed: a fixed policy would cap
  // the height at one line. The charts' stretch keeps the extra space away from the legend.
  QSizePolicy policy(QSizePolicy::Preferred, QSizePolicy::Preferred);
  policy.setHeightForWidth(true);
  setSizePolicy(policy);
  sync();
}

QCheckBox* RunLegend::createEntry(const QString& runId) {
  auto* box = new QCheckBox(this);
  // A check box's least width is its whole label: the legend could then never be narrower than
  // its longest label, and a label set at a wide window stayed whole (off the edge) in a narrow
  // one. fitLabels cuts the labels to the room instead.
  box->setMinimumWidth(kEntryMinWidth);
  // clicked, not toggled: only the user's click changes the collection, sync() never loops.
  connect(box, &QCheckBox::clicked, this,
          [this, runId](bool checked) { m_runs->setVisible(runId, checked); });
  auto* remove = new QAction(tr("Remove from View"), box);
  remove->setToolTip(
      tr("Take this run off the charts and the comparison (Run › Undo Remove "
         "brings it back; its file stays)"));
  remove->setShortcut(QKeySequence::Delete);
  remove->setShortcutContext(Qt::WidgetShortcut);
  connect(remove, &QAction::triggered, this, [this, runId] { Q_EMIT removeRequested(runId); });
  box->addAction(remove);
  box->setContextMenuPolicy(Qt::ActionsContextMenu);
  m_layout->addWidget(box);
  // Shown now, not when the event loop gets to it: the legend's height for its width, which the
  // chart panel reads right after sync(), counts only entries that are not hidden.
  box->show();
  m_entries.insert(runId, box);
  return box;
}

void RunLegend::sync() {
  QSet<QString> present;
  bool added = false;
  for (int i = 0; i < m_runs->count(); ++i) {
    const DisplayedRun& run = m_runs->at(i);
    present.insert(run.id);
    QCheckBox* box = m_entries.value(run.id);
    if (!box) {
      box = createEntry(run.id);
      added = true;
    }
    const QString label = m_runs->distinctLabel(i);
    if (m_labels.value(run.id) != label) {
      m_labels.insert(run.id, label);
      // A long label is cut to the legend's width (fitLabels): the tooltip says it in full.
      const QString tip = tr("%1\nShow or hide this run in all charts").arg(label);
      box->setToolTip(plainToolTip(tip));
      // A screen reader reads the description as text: the tooltip's markup read aloud.
      box->setAccessibleDescription(tip);
      // A screen reader reads the whole label, not the cut one shown.
      box->setAccessibleName(label);
    }
    // A run still training is Stop's to end, not this menu's.
    box->actions().constFirst()->setEnabled(!run.live);
    if (box->property(kColorProperty).value<QColor>() != run.color ||
        box->property(kMarkerProperty).toInt() != run.marker) {
      box->setIcon(swatch(run.color, run.marker, devicePixelRatioF()));
      box->setProperty(kColorProperty, run.color);
      box->setProperty(kMarkerProperty, run.marker);
    }
    if (box->isChecked() != run.visible) box->setChecked(run.visible);
    // A hidden run's entry fades, so the legend reads like the charts.
    box->setForegroundRole(run.visible ? QPalette::WindowText : QPalette::PlaceholderText);
  }
  for (auto it = m_entries.begin(); it != m_entries.end();) {
    if (present.contains(it.key())) {
      ++it;
      continue;
    }
    delete it.value();  // also leaves the layout
    m_labels.remove(it.key());
    it = m_entries.erase(it);
  }
  m_empty->setVisible(m_entries.isEmpty());
  // A new widget joins the end of the window's Tab order: the entries, at the top of the charts,
  // came after the whole comparison. They follow the legend itself, in the runs' order.
  // Placed in that order too: a run put back by Undo Remove goes back to its old place.
  if (added) {
    placeInRunOrder();
    // setTabOrder ignores a widget that takes no focus, as the legend does not: it may while
    // the chain is set, so the entries hang from it.
    setFocusPolicy(Qt::TabFocus);
    QWidget* previous = this;
    for (int i = 0; i < m_runs->count(); ++i) {
      QCheckBox* box = m_entries.value(m_runs->at(i).id);
      setTabOrder(previous, box);
      previous = box;
    }
    setFocusPolicy(Qt::NoFocus);
  }
  fitLabels();
}

void RunLegend::placeInRunOrder() {
  // Entries are added at the end, where a new run is: the layout is rebuilt only where a run
  // went back elsewhere (rebuilding it at each run added was quadratic in the runs).
  bool inOrder = true;
  for (int i = 0; inOrder && i < m_runs->count(); ++i) {
    const QLayoutItem* item = m_layout->itemAt(i + 1);  // after the "no runs" label
    inOrder = item != nullptr && item->widget() == m_entries.value(m_runs->at(i).id);
  }
  if (inOrder) return;
  for (int i = 0; i < m_runs->count(); ++i) {
    QCheckBox* box = m_entries.value(m_runs->at(i).id);
    m_layout->removeWidget(box);
    m_layout->addWidget(box);
  }
}

void RunLegend::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  fitLabels();
}

void RunLegend::fitLabels() {
  const QMargins margins = m_layout->contentsMargins();
  const int room = width() - margins.left() - margins.right();
  for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
    QCheckBox* box = it.value();
    const QString label = m_labels.value(it.key());
    // The box, its swatch and their spacing: its width beside that of its text.
    const QFontMetrics metrics = box->fontMetrics();
    const int chrome = box->sizeHint().width() - metrics.size(Qt::TextShowMnemonic, box->text()).width();
    const QString shown = room > chrome ? metrics.elidedText(label, Qt::ElideMiddle, room - chrome) : label;
    // A check box reads '&' as a shortcut marker: "A & B" would show as "A _B".
    const QString text = QString(shown).replace(u'&', QStringLiteral("&&"));
    if (box->text() != text) box->setText(text);
  }
}

}  // namespace tb::ui
