// DatasetGate: datasets on demand in the desktop app. Before Run, a missing dataset brings the
// choice "Download (size)" / "Use synthetic data" / Cancel; File › Download dataset fetches one
// at any time. Both download through DownloadDialog into the folder the runs read from.
#pragma once

#include "data/dataset_sources.h"
#include "engine/run_config.h"

#include <QObject>
#include <QString>
#include <QVector>

#include <functional>
#include <optional>
#include <string>

class QMenu;
class QWidget;

namespace tb::ui {

class DatasetGate final : public QObject {
  Q_OBJECT

 public:
  enum class Decision {
    Ready,         // every dataset the runs need is on disk (perhaps just downloaded)
    UseSynthetic,  // the user chose synthetic data instead
    Cancelled,     // the user cancelled, or the download failed: start nothing
  };
  using SourceLookup = std::function<std::optional<tb::DatasetSource>(const std::string&)>;

  // Dialogs are shown over `window`, which also owns the gate.
  explicit DatasetGate(QWidget* window);

  // Asks about each dataset `configs` need that is not on disk (runs on synthetic data need
  // none) and downloads it when the user says so. Modal; returns what to do with the runs.
  Decision ensureData(const QVector<tb::RunConfig>& configs);

  // Downloads `dataset` into its folder under `dataDir` (empty: the default data root) with
  // the progress dialog; true once it is in place and verified.
  bool download(const QString& dataset, const QString& dataDir);

  // "Download dataset" submenu: one entry per dataset with its size and whether it is here.
  // `dataDir` gives the data folder the setup panel currently names.
  QMenu* createDownloadMenu(std::function<QString()> dataDir, QWidget* parent);

  // Where datasets are looked up (default: the built-in table). Tests serve generated files
  // with their own checksums from a local mirror.
  void setSourceLookup(SourceLookup lookup) { m_lookup = std::move(lookup); }

 Q_SIGNALS:
  void datasetDownloaded(const QString& dataset, const QString& folder);

 private:
  bool isOnDisk(const tb::DatasetSource& source, const std::string& dataDir) const;

  QWidget* m_window;
  SourceLookup m_lookup;
};

}  // namespace tb::ui
