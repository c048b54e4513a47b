// The run charts' single legend: one entry per run, in the run's colour, labelled with its
// device; unticking an entry hides that run in every chart (RunCollection::setVisible).
#pragma once

#include <QHash>
#include <QString>
#include <QWidget>

class QCheckBox;
class QLabel;

namespace tb::ui {

class FlowLayout;
class RunCollection;

class RunLegend final : public QWidget {
  Q_OBJECT

 public:
  explicit RunLegend(RunCollection* runs, QWidget* parent = nullptr);

  // Brings the entries in line with the collection (added, removed, relabelled, shown or
  // hidden). The owner calls it from its coalesced refresh, so a burst of changes costs one.
  void sync();

  // The entry of a run, or nullptr (tests click it).
  QCheckBox* entry(const QString& runId) const { return m_entries.value(runId); }

 Q_SIGNALS:
  // An entry's Remove from View (its context menu, or Delete on it): the owner removes the run
  // from the charts and the comparison. Not offered for a run still training.
  void removeRequested(const QString& runId);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  QCheckBox* createEntry(const QString& runId);
  // Shows each label whole where it fits the legend's width, else cut in its middle: the
  // device at its start and the host at its end both stay in view.
  void fitLabels();
  // The entries laid out in the runs' order: a run put back by Undo Remove returns to its place.
  void placeInRunOrder();

  RunCollection* m_runs;
  FlowLayout* m_layout;
  QLabel* m_empty;
  QHash<QString, QCheckBox*> m_entries;
  QHash<QString, QString> m_labels;  // each entry's whole label, as the collection gives it
};

}  // namespace tb::ui
