// Tests for tb::ui::HistoryPanel: the table shows the library, Delete removes files, and imports
// report problems without a modal dialog.
#include "history/history_panel.h"
#include "history/result_library.h"
#include "results/result_file.h"

#include "../support/private_trash.h"
#include "../support/history_runs.h"

#include <QAbstractItemModel>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileInfo>
#include <QMimeData>
#include <QAction>
#include <QSignalSpy>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QToolBar>
#include <QTemporaryDir>
#include <QUrl>
#include <QApplication>
#include <QtTest>

using tb::RunResult;
using tb::ui::HistoryPanel;
using tb::ui::ResultLibrary;
using tbtest::cell;
using tbtest::makeResult;

class TestHistoryPanel final : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;

  // A library of three runs: totals 100, 9.5 and none, so number sorting is observable.
  void fill(ResultLibrary& library) {
    library.save(makeResult("2026-11-26T10:00:00Z", "alpha", 100.0));
    library.save(makeResult("2026-11-27T10:00:00Z", "beta", 9.5));
    library.save(makeResult("2026-11-25T10:00:00Z", "gamma", std::nullopt, false));
  }

 private Q_SLOTS:
  void init() {
    QDir(m_dir.path()).removeRecursively();
    QDir().mkpath(m_dir.path());
  }

  // The table is the library: one row per entry, newest first, with "n/a" for missing metrics.
  void tableRowsMatchEntries() {
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    const QAbstractItemModel* model = panel.view()->model();
    QCOMPARE(model->rowCount(), static_cast<int>(library.entries().size()));
    for (int row = 0; row < model->rowCount(); ++row) {
      const auto& entry = library.entries().at(row);
      QCOMPARE(cell(model, row, HistoryPanel::DateColumn, HistoryPanel::kPathRole), entry.path);
      QCOMPARE(cell(model, row, HistoryPanel::MachineColumn),
               QString::fromStdString(entry.result.system.hostname));
      QCOMPARE(cell(model, row, HistoryPanel::DataColumn), QStringLiteral("synthetic"));
      QCOMPARE(cell(model, row, HistoryPanel::StatusColumn), QStringLiteral("completed"));
    }
    QCOMPARE(cell(model, 0, HistoryPanel::TotalTimeColumn), QStringLiteral("9.50 s"));
    QCOMPARE(cell(model, 0, HistoryPanel::TestAccuracyColumn), QStringLiteral("85.50 %"));
    QCOMPARE(cell(model, 2, HistoryPanel::TotalTimeColumn), QStringLiteral("n/a"));
    QCOMPARE(cell(model, 2, HistoryPanel::TestAccuracyColumn), QStringLiteral("n/a"));
  }

  // Among thousands of runs the filter finds some: every word must match (any case), names
  // match whole where a cell cuts them, the CPU model counts though no column shows it, and the
  // summary says how many of all are shown. Ctrl+F goes to it; emptied, all are back.
  void filterShowsTheRunsWithEveryWord() {
    ResultLibrary library(m_dir.path());
    fill(library);
    RunResult cluster = makeResult("2026-11-28T10:00:00Z", "gpu-node-07.cluster.example.com", 5.0);
    cluster.system.cpuModel = "AMD EPYC 9654";
    library.save(cluster);
    HistoryPanel panel(&library);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    const QAbstractItemModel* model = panel.view()->model();
    QCOMPARE(model->rowCount(), 4);
    auto* filter = panel.findChild<QLineEdit*>();
    QVERIFY(filter);
    // From anywhere in the window while History shows (here a button of its tool bar).
    QWidget* elsewhere = panel.findChild<QToolBar*>();
    QVERIFY(elsewhere);
    elsewhere->setFocus();
    QTest::keyClick(elsewhere, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(filter->hasFocus());
    QTest::keyClicks(filter, QStringLiteral("BETA"));
    QCOMPARE(model->rowCount(), 1);
    QCOMPARE(cell(model, 0, HistoryPanel::MachineColumn), QStringLiteral("beta"));
    panel.setFilterText(QStringLiteral("epyc cluster.example"));
    QCOMPARE(model->rowCount(), 1);
    QVERIFY(cell(model, 0, HistoryPanel::MachineColumn, Qt::ToolTipRole).contains(QLatin1String("gpu-node-07")));
    bool counted = false;
    for (const QLabel* label : panel.findChildren<QLabel*>()) {
      counted = counted || label->text().startsWith(QLatin1String("1 of 4 runs"));
    }
    QVERIFY(counted);
    panel.setFilterText(QStringLiteral("epyc beta"));
    QCOMPARE(model->rowCount(), 0);
    filter->clear();
    QCOMPARE(model->rowCount(), 4);
  }

  // Sorting a time column must compare numbers (9.5 < 100), not text ("100" < "9.5").
  void timeColumnSortsByValue() {
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    panel.view()->sortByColumn(HistoryPanel::TotalTimeColumn, Qt::AscendingOrder);
    const QAbstractItemModel* model = panel.view()->model();
    QCOMPARE(cell(model, 0, HistoryPanel::MachineColumn), QStringLiteral("beta"));
    QCOMPARE(cell(model, 1, HistoryPanel::MachineColumn), QStringLiteral("alpha"));
    QCOMPARE(cell(model, 2, HistoryPanel::MachineColumn), QStringLiteral("gamma"));
    // Slowest first: the run with no total is still last, not above the slowest.
    panel.view()->sortByColumn(HistoryPanel::TotalTimeColumn, Qt::DescendingOrder);
    QCOMPARE(cell(model, 0, HistoryPanel::MachineColumn), QStringLiteral("alpha"));
    QCOMPARE(cell(model, 1, HistoryPanel::MachineColumn), QStringLiteral("beta"));
    QCOMPARE(cell(model, 2, HistoryPanel::MachineColumn), QStringLiteral("gamma"));
  }

  // Newest first, a run whose date does not parse is the oldest, not above the newest.
  void unknownDateSortsOldest() {
    ResultLibrary library(m_dir.path());
    fill(library);
    library.save(makeResult("unknown", "delta", 1.0));
    HistoryPanel panel(&library);
    for (const auto order : {Qt::DescendingOrder, Qt::AscendingOrder}) {
      panel.view()->sortByColumn(HistoryPanel::DateColumn, order);
      const QAbstractItemModel* model = panel.view()->model();
      QCOMPARE(model->rowCount(), 4);
      QCOMPARE(cell(model, 3, HistoryPanel::MachineColumn), QStringLiteral("delta"));
    }
  }

  // Runs the CLI saved while the app was open are listed the first time History comes into
  // view, not only from the second (it rescanned only after having been hidden once).
  void firstShowListsFilesSavedSinceStart() {
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    ResultLibrary cli(m_dir.path());  // another process's view of the folder
    cli.save(makeResult("2026-11-28T10:00:00Z", "delta", 2.0));
    QCOMPARE(panel.view()->model()->rowCount(), 3);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QTRY_COMPARE(panel.view()->model()->rowCount(), 4);  // read in the background
  }

  // While History is on screen, runs another process saves into the folder or deletes from it
  // show at once (they waited until History was hidden and shown again, or Refresh). A rescan
  // that finds nothing new does not rebuild the table (0.2 s at 10 000 runs).
  void filesSavedOrRemovedWhileShownAppear() {
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCOMPARE(panel.view()->model()->rowCount(), 3);
    ResultLibrary cli(m_dir.path());  // another process's view of the folder
    const QString saved = cli.save(makeResult("2026-11-28T10:00:00Z", "delta", 2.0));
    QTRY_COMPARE_WITH_TIMEOUT(panel.view()->model()->rowCount(), 4, 10000);
    QVERIFY(QFile::remove(saved));
    QTRY_COMPARE_WITH_TIMEOUT(panel.view()->model()->rowCount(), 3, 10000);

    QSignalSpy changed(&library, &ResultLibrary::changed);
    library.reload();
    QCOMPARE(changed.count(), 0);
  }

  // The list is rebuilt when a run is saved: the selection stays on the same files, adjacent or
  // not, and on nothing else.
  void selectionSurvivesARebuild() {
    ResultLibrary library(m_dir.path());
    fill(library);
    library.save(makeResult("2026-11-28T10:00:00Z", "delta", 2.0));
    HistoryPanel panel(&library);
    for (const QStringList& chosen :
         {QStringList{library.entries().at(0).path, library.entries().at(2).path},
          QStringList{library.entries().at(1).path, library.entries().at(2).path,
                      library.entries().at(3).path}}) {
      panel.selectPaths(chosen);
      library.save(makeResult("2026-11-29T10:00:00Z", "epsilon", 3.0));
      QCOMPARE(panel.view()->model()->rowCount(), static_cast<int>(library.entries().size()));
      QStringList kept = panel.selectedPaths();
      QStringList expected = chosen;
      kept.sort();
      expected.sort();
      QCOMPARE(kept, expected);
    }
  }

  // A results folder that does not exist yet (a fresh install), or is removed and made again,
  // is still followed: the CLI's first run there shows at once.
  void folderMadeLaterIsFollowed() {
    const QString folder = QDir(m_dir.path()).filePath(QStringLiteral("later/results"));
    ResultLibrary library(folder);
    HistoryPanel panel(&library);
    panel.show();
    QVERIFY(QTest::qWaitForWindowExposed(&panel));
    QCOMPARE(panel.view()->model()->rowCount(), 0);
    for (int round = 0; round < 2; ++round) {
      ResultLibrary cli(folder);  // another process: it makes the folder when it saves
      QVERIFY(!cli.save(makeResult("2026-11-28T10:00:00Z", "delta", 2.0)).isEmpty());
      QTRY_COMPARE_WITH_TIMEOUT(panel.view()->model()->rowCount(), 1, 10000);
      QVERIFY(QDir(QDir(m_dir.path()).filePath(QStringLiteral("later"))).removeRecursively());
      QTRY_COMPARE_WITH_TIMEOUT(panel.view()->model()->rowCount(), 0, 10000);
    }
  }

  // Tabbing into the table selects the row it lands on: Enter and Delete did nothing until an
  // arrow key was pressed.
  void tabbingInSelectsARow() {
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    panel.show();
    QApplication::setActiveWindow(&panel);
    QVERIFY(QTest::qWaitForWindowActive(&panel));
    panel.view()->setFocus(Qt::TabFocusReason);
    QTRY_VERIFY(panel.view()->hasFocus());
    const QModelIndex first = panel.view()->model()->index(0, HistoryPanel::DateColumn);
    QCOMPARE(panel.selectedPaths(), QStringList{first.data(HistoryPanel::kPathRole).toString()});
  }

  // The keyboard's row comes through a rebuild on its file (a run saved above it); where its
  // file is gone, on the row that took its place, selected, so Delete or Enter acts on the next
  // file. The cursor went back to the first row with nothing selected.
  void keyboardRowSurvivesARebuild() {
    ResultLibrary library(m_dir.path());
    fill(library);
    library.save(makeResult("2026-11-28T10:00:00Z", "delta", 2.0));
    HistoryPanel panel(&library);
    QTableView* view = panel.view();
    const auto pathAt = [&](int row) {
      return view->model()->index(row, HistoryPanel::DateColumn).data(HistoryPanel::kPathRole).toString();
    };
    const QString third = pathAt(2);
    const QString fourth = pathAt(3);
    view->selectionModel()->setCurrentIndex(view->model()->index(2, HistoryPanel::DeviceColumn),
                                            QItemSelectionModel::ClearAndSelect |
                                                QItemSelectionModel::Rows);
    library.save(makeResult("2026-11-29T10:00:00Z", "epsilon", 3.0));  // newest: row 0
    QCOMPARE(pathAt(view->currentIndex().row()), third);
    QCOMPARE(view->currentIndex().column(), static_cast<int>(HistoryPanel::DeviceColumn));

    QVERIFY(QFile::remove(third));
    library.reload();
    QCOMPARE(pathAt(view->currentIndex().row()), fourth);
    QCOMPARE(panel.selectedPaths(), QStringList{fourth});
  }

  // "Use Settings" takes one run: with one selected it names that file; with two it is off.
  void useSettingsTakesOneRun() {
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    QAction* use = nullptr;
    for (QAction* action : panel.view()->actions()) {
      if (action->text() == QLatin1String("Use Settings")) use = action;
    }
    QVERIFY(use != nullptr);
    QSignalSpy requested(&panel, &HistoryPanel::settingsRequested);
    const QString chosen = library.entries().at(1).path;
    panel.selectPaths({chosen});
    QVERIFY(use->isEnabled());
    use->trigger();
    QCOMPARE(requested.count(), 1);
    QCOMPARE(requested.front().front().toString(), chosen);
    panel.selectPaths({chosen, library.entries().at(0).path});
    QVERIFY(!use->isEnabled());
  }

  // Delete (confirmation bypassed) moves the selected files to the trash, and nothing else.
  void deleteMovesSelectedFilesToTheTrash() {
    tbtest::PrivateTrash trash;
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    panel.setConfirmDeletes(false);
    const QStringList doomed = {library.entries().at(0).path, library.entries().at(2).path};
    const QString kept = library.entries().at(1).path;
    panel.selectPaths(doomed);
    QCOMPARE(panel.selectedPaths(), doomed);
    QSignalSpy removed(&panel, &HistoryPanel::filesRemoved);
    panel.deleteSelected();
    for (const QString& path : doomed) QVERIFY(!QFileInfo::exists(path));
    QVERIFY(QFileInfo::exists(kept));
    QCOMPARE(trash.trashed().size(), 2);
    QCOMPARE(panel.view()->model()->rowCount(), 1);
    QCOMPARE(removed.count(), 1);
    QCOMPARE(removed.front().front().toStringList(), doomed);
    QVERIFY(!panel.lastMessageIsError());
    QCOMPARE(panel.lastMessage(), QStringLiteral("Moved 2 runs to the trash"));
  }

  // A selected file removed outside the app meanwhile: the list follows, and the message does
  // not say it went to the trash (it said "Moved 1 run to the trash").
  void deletingAFileAlreadyGoneSaysSo() {
    tbtest::PrivateTrash trash;
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    panel.setConfirmDeletes(false);
    const QString gone = library.entries().at(0).path;
    panel.selectPaths({gone});
    QVERIFY(QFile::remove(gone));
    panel.deleteSelected();
    QCOMPARE(panel.view()->model()->rowCount(), 2);
    QVERIFY(trash.trashed().isEmpty());
    QVERIFY(!panel.lastMessageIsError());
    QCOMPARE(panel.lastMessage(), QStringLiteral("1 file was already gone from the folder"));
  }

  // Where there is no trash to take them, the files are deleted for good only once the user says
  // so (here the bypassed confirmation), and the message says they are gone.
  void deleteWithoutATrashDeletesForGoodOnceConfirmed() {
    tbtest::PrivateTrash trash;
    trash.breakIt();
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    panel.setConfirmDeletes(false);
    const QString doomed = library.entries().at(1).path;
    panel.selectPaths({doomed});
    QSignalSpy removed(&panel, &HistoryPanel::filesRemoved);
    panel.deleteSelected();
    QVERIFY(!QFileInfo::exists(doomed));
    QCOMPARE(library.entries().size(), 2);
    QCOMPARE(removed.count(), 1);
    QVERIFY(!panel.lastMessageIsError());
    QCOMPARE(panel.lastMessage(), QStringLiteral("Deleted 1 run"));
  }

  // A malformed import is reported through message() (non-modal), naming the file; nothing opens.
  void importOfAMalformedFileReportsItsName() {
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    QTemporaryDir elsewhere;
    const QString bad = elsewhere.filePath(QStringLiteral("truncated.json"));
    QFile file(bad);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"schema\": \"trainbench-result/1\"");
    file.close();
    QSignalSpy messages(&panel, &HistoryPanel::message);
    QSignalSpy opened(&panel, &HistoryPanel::openRequested);
    panel.importFiles({bad});
    QCOMPARE(messages.count(), 1);
    QVERIFY2(messages.front().at(0).toString().contains(bad),
             qPrintable(messages.front().at(0).toString()));
    QCOMPARE(messages.front().at(1).toBool(), true);
    QVERIFY(panel.lastMessageIsError());
    QVERIFY(panel.lastMessage().contains(bad));
    QCOMPARE(opened.count(), 0);
    QCOMPARE(library.entries().size(), 3);
  }

  // A good import lands in the library and is opened, so it appears on the charts at once.
  void importOfAValidFileOpensIt() {
    ResultLibrary library(m_dir.path());
    HistoryPanel panel(&library);
    QTemporaryDir elsewhere;
    const QString source = elsewhere.filePath(QStringLiteral("other-machine.json"));
    tb::writeResultFile(makeResult("2026-11-20T10:00:00Z", "delta", 7.0), source.toStdString());
    QSignalSpy opened(&panel, &HistoryPanel::openRequested);
    panel.importFiles({source});
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.front().front().toStringList(), QStringList{library.entries().front().path});
    QCOMPARE(panel.view()->model()->rowCount(), 1);
    QVERIFY(!panel.lastMessageIsError());
  }

  // Double-clicking a row opens that run.
  void doubleClickOpensTheRow() {
    ResultLibrary library(m_dir.path());
    fill(library);
    HistoryPanel panel(&library);
    QSignalSpy opened(&panel, &HistoryPanel::openRequested);
    const QModelIndex index = panel.view()->model()->index(1, HistoryPanel::WorkloadColumn);
    Q_EMIT panel.view()->doubleClicked(index);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.front().front().toStringList(), QStringList{library.entries().at(1).path});
  }

  // Result files dropped onto the panel are imported, whatever the case of their extension.
  void droppedJsonFilesAreImported() {
    ResultLibrary library(m_dir.path());
    HistoryPanel panel(&library);
    QTemporaryDir elsewhere;
    const QString source = elsewhere.filePath(QStringLiteral("Dropped.JSON"));
    tb::writeResultFile(makeResult("2026-11-21T10:00:00Z", "eps", 5.0), source.toStdString());
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(source)});
    // Qt delivers a drop only to the widget that accepted the drag when it entered.
    QDragEnterEvent enter(QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&panel, &enter);
    QVERIFY(enter.isAccepted());
    QDropEvent drop(QPointF(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QCoreApplication::sendEvent(&panel, &drop);
    QCOMPARE(library.entries().size(), 1);
    QVERIFY(!panel.lastMessageIsError());
    QVERIFY2(panel.lastMessage().startsWith(QStringLiteral("Imported 1")),
             qPrintable(panel.lastMessage()));
    // Dropped again, nothing is copied, and the message does not claim an import.
    panel.importDropped(&mime);
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(panel.lastMessage(), QStringLiteral("1 run was in the library already"));
  }

  // Other files dropped with a result file are named in the message, not imported or forwarded
  // silently; a drag of other files only is refused (the window follows the same rule).
  void droppedOtherFilesAreReported() {
    ResultLibrary library(m_dir.path());
    HistoryPanel panel(&library);
    QTemporaryDir elsewhere;
    const QString source = elsewhere.filePath(QStringLiteral("dropped.json"));
    tb::writeResultFile(makeResult("2026-11-21T10:00:00Z", "eps", 5.0), source.toStdString());
    const QString notes = elsewhere.filePath(QStringLiteral("notes.txt"));
    QMimeData others;
    others.setUrls({QUrl::fromLocalFile(notes)});
    QVERIFY(!HistoryPanel::carriesResultFiles(&others));
    QDragEnterEvent refused(QPoint(5, 5), Qt::CopyAction, &others, Qt::LeftButton, Qt::NoModifier);
    refused.ignore();
    QCoreApplication::sendEvent(&panel, &refused);
    QVERIFY(!refused.isAccepted());

    QMimeData mixed;
    mixed.setUrls({QUrl::fromLocalFile(source), QUrl::fromLocalFile(notes)});
    QVERIFY(HistoryPanel::carriesResultFiles(&mixed));
    QSignalSpy opened(&panel, &HistoryPanel::openRequested);
    panel.importDropped(&mixed);
    QCOMPARE(library.entries().size(), 1);
    QCOMPARE(opened.count(), 1);
    QCOMPARE(opened.front().front().toStringList().size(), 1);
    QVERIFY(panel.lastMessageIsError());
    QVERIFY2(panel.lastMessage().contains(QDir::toNativeSeparators(notes)),
             qPrintable(panel.lastMessage()));
    QVERIFY2(panel.lastMessage().startsWith(QStringLiteral("Imported 1")),
             qPrintable(panel.lastMessage()));
  }

  // A folder of results (a server's, copied over) dropped imports the .json files in it, not
  // those of its sub-folders; a folder without any is named, not passed over in silence.
  void droppedFolderImportsItsResults() {
    ResultLibrary library(m_dir.path());
    HistoryPanel panel(&library);
    QTemporaryDir server;
    tb::writeResultFile(makeResult("2026-11-21T10:00:00Z", "eps", 5.0),
                        server.filePath(QStringLiteral("a.json")).toStdString());
    tb::writeResultFile(makeResult("2026-11-22T10:00:00Z", "eps", 6.0),
                        server.filePath(QStringLiteral("b.JSON")).toStdString());
    QVERIFY(QDir(server.path()).mkpath(QStringLiteral("deeper/empty")));
    tb::writeResultFile(makeResult("2026-11-23T10:00:00Z", "eps", 7.0),
                        server.filePath(QStringLiteral("deeper/c.json")).toStdString());
    QMimeData folder;
    folder.setUrls({QUrl::fromLocalFile(server.path())});
    QVERIFY(HistoryPanel::carriesResultFiles(&folder));
    QVERIFY(!HistoryPanel::carriesResultFiles(&folder, /*foldersToo=*/false));
    panel.importDropped(&folder);
    QCOMPARE(library.entries().size(), 2);
    QVERIFY2(
        !panel.lastMessageIsError() && panel.lastMessage() == QStringLiteral("Imported 2 runs"),
        qPrintable(panel.lastMessage()));
    QMimeData empty;
    empty.setUrls({QUrl::fromLocalFile(server.filePath(QStringLiteral("deeper/empty")))});
    panel.importDropped(&empty);
    QCOMPARE(library.entries().size(), 2);
    QVERIFY(panel.lastMessageIsError());
    QVERIFY2(panel.lastMessage().contains(QStringLiteral("empty (a folder with none in it)")),
             qPrintable(panel.lastMessage()));
  }
};

QTEST_MAIN(TestHistoryPanel)
#include "tst_history_panel.moc"
