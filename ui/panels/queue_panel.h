// QueuePanel: the run queue as a compact table (device, workload, state, progress bar with
// epoch, step and ETA) and a "Clear finished" button.
#pragma once

#include "run/run_controller.h"

#include <QHash>
#include <QWidget>

class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace tb::ui {

class QueuePanel final : public QWidget {
  Q_OBJECT

 public:
  enum Column { kDeviceColumn, kWorkloadColumn, kStateColumn, kProgressColumn, kColumnCount };

  explicit QueuePanel(RunController* controller, QWidget* parent = nullptr);

  // The texts the panel shows, public so tests and tooltips agree with the table.
  static QString stateText(QueuedRun::State state);
  // e.g. "Epoch 3/10 · step 812/1875 · ETA 0:12", "Waiting", "Done in 1:05".
  static QString progressText(const QueuedRun& run);
  // "0:12", "12:03", "1:02:03".
  static QString formatDuration(double seconds);

  // Shows `run` in its row (the panel calls it on every queue change; tests too).
  void updateItem(QTreeWidgetItem* item, const QueuedRun& run);

 private:
  void refresh();

  RunController* m_controller;
  QTreeWidget* m_tree;
  QPushButton* m_clearButton;
  QHash<int, QTreeWidgetItem*> m_items;  // by queue id
};

}  // namespace tb::ui
