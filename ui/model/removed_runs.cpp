#include "model/removed_runs.h"

namespace tb::ui {

namespace {

// Removals kept for undo: enough for a session's slips, not every clear of a day's runs.
constexpr int kKeptRemovals = 20;

}  // namespace

RemovedRuns::RemovedRuns(RunCollection* runs, QObject* parent) : QObject(parent), m_runs(runs) {}

int RemovedRuns::remove(const QStringList& ids) {
  QVector<DisplayedRun> removed;
  for (const QString& id : ids) {
    const DisplayedRun* run = m_runs->find(id);
    if (run == nullptr || run->live) continue;
    removed.push_back(*run);
    m_runs->remove(id);
  }
  if (removed.isEmpty()) return 0;
  m_removals.push_back(removed);
  if (m_removals.size() > kKeptRemovals) m_removals.removeFirst();
  Q_EMIT undoAvailable(true);
  return static_cast<int>(removed.size());
}

void RemovedRuns::forgetFiles(const QStringList& paths) {
  for (QVector<DisplayedRun>& removal : m_removals) {
    for (DisplayedRun& run : removal) {
      if (paths.contains(run.filePath)) run.filePath.clear();
    }
  }
}

int RemovedRuns::undo() {
  if (m_removals.isEmpty()) return 0;
  const QVector<DisplayedRun> removed = m_removals.takeLast();
  int restored = 0;
  for (const DisplayedRun& run : removed) {
    if (!run.filePath.isEmpty() && !m_runs->idForFile(run.filePath).isEmpty()) continue;
    if (!m_runs->idForRun(run.result).isEmpty()) continue;
    const QString id = m_runs->add(run.result, /*live=*/false, run.filePath);
    if (!run.visible) m_runs->setVisible(id, false);
    ++restored;
  }
  Q_EMIT undoAvailable(canUndo());
  return restored;
}

}  // namespace tb::ui
