// MainWindow's settings: restored when it opens, and on closing saved where this window changed
// them (another window may share the file).
#include "window/main_window.h"

#include "charts/chart_panel.h"
#include "common/screen_fit.h"
#include "common/settings_values.h"
#include "comparison/comparison_panel.h"
#include "history/history_panel.h"
#include "panels/setup_panel.h"

#include <QGuiApplication>
#include <QSettings>
#include <QSplitter>
#include <QStringList>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

namespace tb::ui {

namespace {

// No pane of `splitter` can be dragged to nothing, and one restored at nothing gets the room it
// needs back, from the largest.
void keepPanesOpen(QSplitter* splitter) {
  splitter->setChildrenCollapsible(false);
  QList<int> sizes = splitter->sizes();
  const auto largest = std::max_element(sizes.begin(), sizes.end());
  // Not laid out yet (no saved state): all at nothing, and Qt shares the room out.
  if (largest == sizes.end() || *largest == 0 || !sizes.contains(0)) return;
  for (int i = 0; i < sizes.size(); ++i) {
    if (sizes[i] != 0) continue;
    const QSize needed = splitter->widget(i)->minimumSizeHint();
    sizes[i] = splitter->orientation() == Qt::Horizontal ? needed.width() : needed.height();
    *largest = std::max(0, *largest - sizes[i]);  // the splitter keeps each pane's minimum
  }
  splitter->setSizes(sizes);
}

// Keys read but not written by the window as it closes: an older version's "quick", and the
// export and import folders, saved as an export ends or files are chosen to import.
const QStringList kOtherKnownSettings = {QStringLiteral("setup/quick"),
                                         QStringLiteral("export/folder"),
                                         QStringLiteral("import/folder")};

// A setting as comparable text: a list (the devices) as the file has it, "a, b".
QString settingText(const QVariant& value) {
  if (value.userType() == QMetaType::QStringList) return value.toStringList().join(QStringLiteral(", "));
  return value.toString();
}

}  // namespace

void MainWindow::restoreSettings() {
  // Said, not dropped in silence: closing writes the settings back, and a GPU away for now
  // (a driver reload) turned "devices=cuda:1" into "cpu" for good without a word.
  QStringList ignored = m_setup->restoreSettings(*m_settings);
  ignored << restoreHistoryView();
  if (!ignored.isEmpty()) {
    showNotice(tr("Settings in %1 that cannot be used now, left at their defaults (closing "
                  "TrainBench saves the settings shown): %2")
                   .arg(m_settings->fileName(), ignored.join(QStringLiteral(", "))),
               false);
  }
  restoreGeometry(m_settings->value(QStringLiteral("window/geometry")).toByteArray());
  // Saved on a larger screen, the window opened as tall as this one, its frame's title bar
  // pushing the status bar below the screen's edge.
  if (!isMaximized() && !isFullScreen() &&
      QGuiApplication::platformName() != QLatin1String("offscreen")) {
    resize(sizeWithinScreen(this, size()));
  }
  m_resultsSplitter->restoreState(m_settings->value(QStringLiteral("window/results")).toByteArray());
  m_mainSplitter->restoreState(m_settings->value(QStringLiteral("window/sidebar")).toByteArray());
  m_sideSplitter->restoreState(m_settings->value(QStringLiteral("window/setup")).toByteArray());
  m_comparison->restoreSplitterState(
      m_settings->value(QStringLiteral("window/comparison")).toByteArray());
  // After the saved states, which carry Qt's default: the sidebar (Setup, Run, the queue) or the
  // table dragged to nothing stayed gone at the next start, a few-pixel handle the only way back.
  for (QSplitter* splitter : {m_resultsSplitter, m_mainSplitter, m_sideSplitter}) {
    keepPanesOpen(splitter);
  }
  m_comparison->setShowPublished(
      strictBool(m_settings->value(QStringLiteral("view/showPublished"))).value_or(true));
}

QStringList MainWindow::restoreHistoryView() {
  QStringList ignored;
  const QVariant sort = m_settings->value(QStringLiteral("history/sort"));
  if (sort.isValid() && !m_history->restoreSort(settingText(sort))) {
    ignored << QStringLiteral("history/sort=") + settingText(sort);
  }
  const QVariant widths = m_settings->value(QStringLiteral("history/columnWidths"));
  if (widths.isValid() && !m_history->restoreColumnWidths(settingText(widths))) {
    ignored << QStringLiteral("history/columnWidths=") + settingText(widths);
  }
  return ignored;
}

void MainWindow::writeShownSettings(QSettings& settings) const {
  m_setup->saveSettings(settings);
  settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
  settings.setValue(QStringLiteral("window/results"), m_resultsSplitter->saveState());
  settings.setValue(QStringLiteral("window/sidebar"), m_mainSplitter->saveState());
  settings.setValue(QStringLiteral("window/setup"), m_sideSplitter->saveState());
  settings.setValue(QStringLiteral("window/comparison"), m_comparison->splitterState());
  settings.setValue(QStringLiteral("history/sort"), m_history->sortSetting());
  settings.setValue(QStringLiteral("history/columnWidths"), m_history->columnWidthsSetting());
  settings.setValue(QStringLiteral("view/showPublished"), m_comparison->showPublished());
}

QHash<QString, QVariant> MainWindow::shownSettings() const {
  // Set in a scratch QSettings that is never synced: its values are the ones given, typed. (The
  // folder is declared first, so it outlives the flush the QSettings makes when it goes.)
  const QTemporaryDir scratchFolder;
  QSettings scratch(scratchFolder.filePath(QStringLiteral("shown.ini")), QSettings::IniFormat);
  writeShownSettings(scratch);
  QHash<QString, QVariant> shown;
  for (const QString& key : scratch.allKeys()) shown.insert(key, scratch.value(key));
  return shown;
}

void MainWindow::rememberSettingsAsRestored() {
  // A key whose file value is what the window shows is this window's only once it changes it;
  // one the window could not take (a bad value, a missing key) is written as shown.
  m_settingsAsRestored.clear();
  const QHash<QString, QVariant> shown = shownSettings();
  // A name this version does not read ("[Setup]", "epoch=3"), misspelt by hand or left by
  // another version, was passed over without a word.
  QStringList unknown;
  for (const QString& key : m_settings->allKeys()) {
    if (!shown.contains(key) && !kOtherKnownSettings.contains(key)) unknown << key;
  }
  if (!unknown.isEmpty()) {
    constexpr int kNamed = 6;
    const qsizetype more = unknown.size() - kNamed;
    const QString names = unknown.mid(0, kNamed).join(QStringLiteral(", ")) +
                          (more > 0 ? tr(" and %n more", nullptr, static_cast<int>(more)) : QString());
    showNotice(tr("Settings in %1 that TrainBench does not read (a misspelt name?), left in the "
                  "file as they are: %2")
                   .arg(m_settings->fileName(), names),
               false);
  }
  for (auto it = shown.cbegin(); it != shown.cend(); ++it) {
    const QVariant inFile = m_settings->value(it.key());
    if (inFile.isValid() && settingText(inFile) == settingText(it.value())) {
      m_settingsAsRestored.insert(it.key(), settingText(it.value()));
    }
  }
}

void MainWindow::saveSettings() {
  // Only what this window changed: another window on the same file (a second TrainBench) may
  // have saved its own changes since, and QSettings merges the file's keys with ours on sync.
  const QHash<QString, QVariant> shown = shownSettings();
  for (auto it = shown.cbegin(); it != shown.cend(); ++it) {
    const auto restored = m_settingsAsRestored.constFind(it.key());
    if (restored != m_settingsAsRestored.cend() && *restored == settingText(it.value())) continue;
    m_settings->setValue(it.key(), it.value());
  }
  m_settings->sync();
  // The window is closing: stderr is where a lost setting can still be reported.
  if (m_settings->status() == QSettings::AccessError) {
    std::fprintf(stderr, "trainbench: warning: could not save the settings to %s\n",
                 qPrintable(m_settings->fileName()));
  }
}

}  // namespace tb::ui
