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

 private:
  QCheckBox* createEntry(const QString& runId);

  RunCollection* m_runs;
  FlowLayout* m_layout;
  QLabel* m_empty;
  QHash<QString, QCheckBox*> m_entries;
};

}  // namespace tb::ui
