// QueuePanel: the run queue as a compact table (device, workload, and a progress bar that says
// the run's state: waiting, epoch and ETA, done in, cancelled; or a failed run's message), a
// "Clear finished" button, and "Cancel This Run" (right-click or Delete) for the selected row.
#pragma once

#include "run/run_controller.h"

#include <QHash>
#include <QWidget>

class QAction;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace tb::ui {

class QueuePanel final : public QWidget {
  Q_OBJECT

 public:
  enum Column { kDeviceColumn, kWorkloadColumn, kProgressColumn, kColumnCount };

  explicit QueuePanel(RunController* controller, QWidget* parent = nullptr);

  // The texts the panel shows, public so tests agree with the table.
  // In the bar, short enough for the panel's width: e.g. "Waiting", "Epoch 3/10 · ETA 0:12",
  // "Done in 2.66 s", "Done in 1:05", "Cancelled".
  static QString progressText(const QueuedRun& run);
  // The bar's tooltip: "Epoch 3/10 · step 812/1875 · ETA 0:12", "Cancelled in epoch 4/10", else
  // the bar's text.
  static QString progressDetail(const QueuedRun& run);
  // "0:12", "12:03", "1:02:03".
  static QString formatDuration(double seconds);

  // Shows `run` in its row (the panel calls it on every queue change; tests too).
  void updateItem(QTreeWidgetItem* item, const QueuedRun& run);

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;
  // A theme switch redraws failed rows in the new theme's red.
  void changeEvent(QEvent* event) override;

 private:
  void refresh();
  void fitColumns();
  int selectedQueueId() const;  // 0: no row selected
  void cancelSelectedRun();     // a running one after asking
  void updateCancelAction();    // enabled for a selected run still waiting or running

  RunController* m_controller;
  QTreeWidget* m_tree;
  QPushButton* m_clearButton;
  QAction* m_cancelAction;
  QHash<int, QTreeWidgetItem*> m_items;  // by queue id
};

}  // namespace tb::ui
