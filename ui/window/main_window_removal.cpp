// MainWindow's removals from view: Run › Clear charts, a legend entry's Remove from View, and
// Run › Undo Remove, which shows them again. Files are not touched: History deletes those.
#include "window/main_window.h"

#include "model/removed_runs.h"
#include "model/run_collection.h"
#include "model/run_recorder.h"

#include <QAction>
#include <QStatusBar>

namespace tb::ui {

void MainWindow::clearCharts() {
  QStringList ids;
  for (int i = 0; i < m_collection->count(); ++i) ids << m_collection->at(i).id;
  removeFromView(ids);
}

void MainWindow::removeFromView(const QStringList& ids) {
  // A run the library could not save lives only here: taking it off the screen must not drop
  // it. One still training stays too: Stop ends it.
  QStringList removable;
  int unsaved = 0;
  for (const QString& id : ids) {
    const DisplayedRun* run = m_collection->find(id);
    if (run == nullptr || run->live) continue;
    if (m_recorder->isUnsaved(id)) {
      ++unsaved;
    } else {
      removable << id;
    }
  }
  const int removed = m_removed->remove(removable);
  QString message;
  if (removed > 0) {
    message =
        tr("%n run(s) removed from view: Run › Undo Remove (%1) shows them again", nullptr, removed)
            .arg(m_undoRemove->shortcut().toString(QKeySequence::NativeText));
  }
  if (unsaved > 0) {
    message +=
        (message.isEmpty() ? QString() : QStringLiteral("; ")) +
        tr("%n unsaved result(s) kept: File › Save unsaved results saves them", nullptr, unsaved);
  }
  if (!message.isEmpty()) statusBar()->showMessage(message, 8000);
}

void MainWindow::undoRemove() {
  const int restored = m_removed->undo();
  statusBar()->showMessage(tr("%n run(s) shown again", nullptr, restored), 5000);
}

}  // namespace tb::ui
