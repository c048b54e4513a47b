// The runs on screen: live ones as they train, and saved or imported ones reopened from the
// library. Charts, the comparison and exports all read from here.
#pragma once

#include "common/metatypes.h"

#include <QColor>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <string>

namespace tb::ui {

// How many marker shapes runs take in turn (charts/run_markers.h draws them).
inline constexpr int kRunMarkerCount = 6;

struct DisplayedRun {
  QString id;  // unique while shown
  RunResult result;
  QColor color;
  // Which marker shape its points are drawn with (charts/run_markers.h): with the colour, it
  // tells runs apart for a reader who cannot tell two of the colours apart.
  int marker = 0;
  bool visible = true;
  bool live = false;  // still training
  QString filePath;   // where it is saved; empty until saved
  QString label() const;  // for legends: "cpu · AMD EPYC · host"
};

class RunCollection final : public QObject {
  Q_OBJECT

 public:
  // A live run's telemetry beyond this many samples is thinned, so a long run stays cheap.
  static constexpr int kMaxTimelineSamples = 20000;

  explicit RunCollection(QObject* parent = nullptr);

  // The run's label, made distinct among the collection's runs: the date and time are added where
  // device, precision, threads and machine read the same (ten H200 runs must not look alike).
  QString distinctLabel(int index) const;
  int count() const { return static_cast<int>(m_runs.size()); }
  const DisplayedRun& at(int index) const { return m_runs.at(index); }
  const DisplayedRun* find(const QString& id) const;
  int indexOf(const QString& id) const;
  // Shown runs whose file is `path` (so a reopened run is not shown twice).
  QString idForFile(const QString& path) const;
  // A finished run on screen that is the same run as `result` (tb::sameRun): a copy of a shown
  // file, or a deleted run's file imported back, is one run, not two repeats.
  QString idForRun(const RunResult& result) const;

  QString add(const RunResult& result, bool live = false, const QString& filePath = QString());
  void setResult(const QString& id, const RunResult& result, bool live);
  void setFilePath(const QString& id, const QString& filePath);
  void appendEpoch(const QString& id, const EpochRecord& epoch);
  void setTest(const QString& id, const TestRecord& test);
  void appendTelemetry(const QString& id, const TelemetrySample& sample);
  void setVisible(const QString& id, bool visible);
  void remove(const QString& id);
  // Puts removed runs back as they were (Run › Undo Remove): their ids, colours, marker shapes
  // and places among the runs, so an undo does not repaint them or move them in the legend and
  // the table. `orderBefore` is every run's id, in order, before the removal: each goes back
  // after the nearest run before it that is shown. A colour that a run shown since has taken
  // gives way to a free one.
  void restore(const QVector<DisplayedRun>& runs, const QStringList& orderBefore);
  void clear();

 Q_SIGNALS:
  void runAdded(const QString& id);
  void runChanged(const QString& id);  // data or state changed
  void visibilityChanged(const QString& id);
  void runRemoved(const QString& id);

 private:
  DisplayedRun* findMutable(const QString& id);
  QColor nextColor() const;
  int nextMarker() const;  // the shape fewest shown runs use
  QVector<QString> distinctLabels() const;
  static QString createdLabel(const std::string& created);

  QVector<DisplayedRun> m_runs;
  // distinctLabel()'s answers, worked out at the first call after the runs were added, removed
  // or given a new result (epochs and telemetry leave labels as they are).
  mutable QVector<QString> m_distinctLabels;
  int m_nextId = 1;
};

}  // namespace tb::ui
