// The comparison table's Remove from View: the runs folded into the selected rows go off the
// charts and the comparison (the window keeps them for Run › Undo Remove).
#include "comparison/comparison_panel.h"

#include "model/run_collection.h"

#include <QAction>
#include <QItemSelectionModel>
#include <QTableWidget>

namespace tb::ui {

void ComparisonPanel::addRemoveAction() {
  auto* remove = new QAction(tr("&Remove from View"), m_table);
  remove->setToolTip(
      tr("Take the selected rows' runs off the charts and the comparison (Run › "
         "Undo Remove brings them back; their files stay)"));
  remove->setShortcut(QKeySequence::Delete);
  remove->setShortcutContext(Qt::WidgetShortcut);
  remove->setEnabled(false);
  connect(remove, &QAction::triggered, this, [this] {
    if (const QStringList ids = selectedRunIds(); !ids.isEmpty()) Q_EMIT removeRequested(ids);
  });
  const auto update = [this, remove] { remove->setEnabled(!selectedRunIds().isEmpty()); };
  connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, remove, update);
  connect(this, &ComparisonPanel::rowsChanged, remove, update);
  m_table->addAction(remove);
}

QStringList ComparisonPanel::selectedRunIds() const {
  QStringList ids;
  for (const QModelIndex& index : m_table->selectionModel()->selectedRows()) {
    if (index.row() >= m_entries.size()) continue;
    for (const QString& id : m_entries[index.row()].runIds) {
      const DisplayedRun* run = m_runs->find(id);
      if (run != nullptr && !run->live) ids << id;  // a run still training is Stop's to end
    }
  }
  return ids;
}

}  // namespace tb::ui
