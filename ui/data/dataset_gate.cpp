// DatasetGate: the "download or synthetic?" question before Run, and the download menu.
#include "data/dataset_gate.h"

#include "common/qt_convert.h"
#include "data/data_paths.h"
#include "data/download_dialog.h"
#include "models/workload_catalog.h"

#include <QAction>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QSet>
#include <QWidget>

#include <algorithm>
#include <utility>

namespace tb::ui {

namespace {

std::string datasetOf(const std::string& workload) {
  for (const auto& info : workloadCatalog()) {
    if (info.name == workload) return info.dataset;
  }
  return std::string();
}

}  // namespace

DatasetGate::DatasetGate(QWidget* window)
    : QObject(window), m_window(window), m_lookup(&tb::findDatasetSource) {}

bool DatasetGate::isOnDisk(const tb::DatasetSource& source, const std::string& dataDir) const {
  // What the run itself accepts (any layout the readers know) counts as much as the download.
  return findDatasetFolder(source.dataset, dataDir).has_value() ||
         datasetStatus(source, dataDir).state == DatasetState::Present;
}

DatasetGate::Decision DatasetGate::ensureData(const QVector<tb::RunConfig>& configs) {
  QSet<QString> asked;  // one question per dataset and folder, not one per device
  for (const RunConfig& config : configs) {
    if (config.synthetic) continue;
    const auto source = m_lookup(datasetOf(config.workload));
    if (!source) continue;  // nothing to offer: the run reports what is missing
    const QString key = toQString(source->dataset + '\n' + config.dataDir);
    if (asked.contains(key) || isOnDisk(*source, config.dataDir)) continue;
    asked.insert(key);

    const DatasetStatus status = datasetStatus(*source, config.dataDir);
    const QString title = toQString(source->title);
    QMessageBox box(QMessageBox::Question, tr("Dataset needed"),
                    tr("<b>%1 is not on this computer yet</b>").arg(title.toHtmlEscaped()),
                    QMessageBox::NoButton, m_window);
    const bool ownMirrors = !qEnvironmentVariableIsEmpty("TRAINBENCH_MIRROR");
    box.setInformativeText(
        tr("This workload trains on %1, which was not found in %2.\n\nDownload it now from %3 "
           "(checksums verified), or train on synthetic data of the same shape (the results are "
           "marked synthetic).")
            .arg(title, toQString(status.folder),
                 ownMirrors ? tr("the mirrors in $TRAINBENCH_MIRROR") : tr("its official mirrors")));
    auto* fetch =
        box.addButton(tr("Download (%1)").arg(toQString(formatBytes(status.bytesToFetch))),
                      QMessageBox::AcceptRole);
    auto* synthetic = box.addButton(tr("Use synthetic data"), QMessageBox::ActionRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(fetch);
    box.exec();
    if (box.clickedButton() == synthetic) return Decision::UseSynthetic;
    if (box.clickedButton() != fetch) return Decision::Cancelled;
    if (!download(toQString(source->dataset), toQString(config.dataDir)))
      return Decision::Cancelled;
  }
  return Decision::Ready;
}

bool DatasetGate::download(const QString& dataset, const QString& dataDir) {
  const auto source = m_lookup(toStdString(dataset));
  if (!source) return false;
  // Where the run reads it, when it is here: a repair must mend those files, not fetch a copy
  // beside them.
  const QString folder = toQString(datasetFetchFolder(*source, toStdString(dataDir)));
  if (!DownloadDialog::download(m_window, *source, folder)) return false;
  Q_EMIT datasetDownloaded(dataset, folder);
  return true;
}

QMenu* DatasetGate::createDownloadMenu(std::function<QString()> dataDir, QWidget* parent) {
  auto* menu = new QMenu(tr("&Download dataset"), parent);
  menu->setToolTipsVisible(true);
  for (const auto& source : datasetSources()) {
    auto* action = menu->addAction(toQString(source.title));
    const QString name = toQString(source.dataset);
    connect(action, &QAction::triggered, this,
            [this, name, dataDir] { download(name, dataDir()); });
  }
  // Sizes and states change with downloads and with the chosen folder: refresh on opening.
  connect(menu, &QMenu::aboutToShow, this, [this, menu, dataDir] {
    const std::string folder = toStdString(dataDir());
    const auto actions = menu->actions();
    for (int i = 0; i < actions.size() && i < static_cast<int>(datasetSources().size()); ++i) {
      const auto source = m_lookup(datasetSources()[static_cast<std::size_t>(i)].dataset);
      if (!source) continue;
      const DatasetStatus status = datasetStatus(*source, folder);
      // The download's own state: a folder the reader would take but holding empty or broken
      // files can still be fetched whole (a fetch skips what is already right). Present by
      // size, a download can still be damaged: choosing it checks every file against its
      // published checksum and downloads again only the ones that are wrong. An extracted
      // copy has no published checksum to check against.
      const bool here = status.state == DatasetState::Present;
      const bool extracted = std::any_of(status.files.begin(), status.files.end(),
                                         [](const FileStatus& file) { return file.localCopy; });
      const QString title = toQString(source->title);
      if (here && extracted) {
        actions[i]->setText(tr("%1 \u2014 found (extracted copy)").arg(title));
      } else if (here) {
        actions[i]->setText(tr("%1 \u2014 downloaded: check and repair\u2026").arg(title));
      } else {
        actions[i]->setText(
            tr("%1 (%2)\u2026").arg(title, toQString(formatBytes(status.bytesToFetch))));
      }
      actions[i]->setEnabled(!(here && extracted));
      actions[i]->setToolTip(
          here && !extracted
              ? tr("%1\nChecks the files' checksums and downloads again any that are wrong.")
                    .arg(toQString(status.folder))
              : toQString(status.folder));
    }
  });
  return menu;
}

}  // namespace tb::ui
