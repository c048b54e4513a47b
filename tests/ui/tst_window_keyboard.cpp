// The main window from the keyboard: Esc and Ctrl+Q ask before they stop a run (and the
// question goes when the run does), Tab stops only where the focus shows, a field reached by Tab is
// scrolled into view, and leaving History puts the focus on the comparison table.
#include "common/metatypes.h"
#include "comparison/comparison_panel.h"
#include "history/result_library.h"
#include "panels/setup_panel.h"
#include "results/result_file.h"
#include "run/run_controller.h"
#include "window/main_window.h"

#include "../support/answer_dialogs.h"
#include "../support/run_result_builder.h"
#include "../support/tiny_run_setup.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QGroupBox>
#include <QLabel>
#include <QMap>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <algorithm>
#include <memory>

using namespace tb::ui;

namespace {

constexpr int kGenerousMs = 60000;  // waits fail the test only when nothing happens

}  // namespace

class WindowKeyboardTest : public QObject {
  Q_OBJECT

 private:
  // A fresh folder per test function (init()), so no test sees another's settings or results.
  std::unique_ptr<QTemporaryDir> m_dir;
  QString settingsFile() const { return m_dir->filePath(QStringLiteral("settings.ini")); }
  QString resultsFolder() const { return m_dir->filePath(QStringLiteral("results")); }

 private Q_SLOTS:
  void initTestCase() { registerMetaTypes(); }
  void init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
  }
  void cleanup() { m_dir.reset(); }

  // Esc (Run › Stop) asks before it stops: a stray Esc ended runs of hours. Esc on the question
  // keeps training; Stop stops. The Stop button itself stops at once (other tests).
  void escapeAsksBeforeStopping() {
    MainWindow window(settingsFile(), resultsFolder());
    tbtest::setTinyRun(window.setupPanel());
    window.setupPanel()->setEpochs(100000);  // ends only when stopped
    auto* stop = window.findChild<QAction*>(QStringLiteral("stopRunsAction"));
    QVERIFY(stop != nullptr);
    QCOMPARE(stop->shortcut(), QKeySequence(Qt::Key_Escape));
    QSignalSpy started(window.controller(), &RunController::runStarted);
    QSignalSpy idle(window.controller(), &RunController::idle);
    QVERIFY(window.startRuns().isEmpty());
    QVERIFY(started.wait(kGenerousMs));
    {
      bool asked = false;
      const auto answers = tbtest::answerDialogs(QString(), QMessageBox::No, &asked);
      stop->trigger();
      QVERIFY(asked);
    }
    QVERIFY(window.controller()->isBusy());  // still training
    QVERIFY(idle.isEmpty());
    {
      bool asked = false;
      const auto answers = tbtest::answerDialogs(QString(), QMessageBox::Yes, &asked);
      stop->trigger();
      QVERIFY(asked);
    }
    QVERIFY(!idle.isEmpty() || idle.wait(kGenerousMs));
    QCOMPARE(window.controller()->queue().first().state, QueuedRun::State::Cancelled);
  }

  // Opening runs from History (Enter) or running from there (Ctrl+R) shows the charts: the
  // focus, hidden with History, landed on a legend entry, where Space hid a run. It goes to
  // the comparison table.
  void leavingHistoryFocusesTheComparison() {
    MainWindow window(settingsFile(), resultsFolder());
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    tbtest::RunResultBuilder run;
    run.device("cpu", "Test CPU").host("lab").epoch(1.0, 1000.0);
    const QString file = m_dir->filePath(QStringLiteral("run.json"));
    tb::writeResultFile(run, file.toStdString());
    window.showHistoryTab();
    auto* history = window.findChild<QTabWidget*>()->currentWidget();
    QWidget* inHistory = nullptr;
    for (QWidget* child : history->findChildren<QWidget*>()) {
      if (child->isVisible() && (child->focusPolicy() & Qt::TabFocus)) {
        inHistory = child;
        break;
      }
    }
    QVERIFY(inHistory != nullptr);
    inHistory->setFocus();
    QTRY_COMPARE(QApplication::focusWidget(), inHistory);
    QVERIFY(window.openResultFiles({file}).isEmpty());
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(window.comparisonPanel()->table()));
  }

  // Closing during a run asks first: Keep Training keeps it training (a stray Ctrl+Q ended runs
  // of hours). Stop and Quit stops it and waits for its save; closing again (an impatient second
  // click, Ctrl+Q twice) still waits, and Ctrl+R starts nothing meanwhile. The run is in the
  // library, cancelled, when the window goes.
  void closingTwiceDuringARunStillSavesIt() {
    MainWindow window(settingsFile(), resultsFolder());
    window.show();
    tbtest::setTinyRun(window.setupPanel());
    window.setupPanel()->setEpochs(100000);
    QSignalSpy progress(window.controller(), &RunController::batchProgress);
    QSignalSpy idle(window.controller(), &RunController::idle);
    QTest::mouseClick(window.setupPanel()->runButton(), Qt::LeftButton);
    QVERIFY(progress.wait(kGenerousMs));
    // A download now would distort the measurement: File › Download dataset is off.
    const auto menus = window.findChildren<QMenu*>();
    const auto download = std::find_if(menus.begin(), menus.end(), [](const QMenu* menu) {
      return menu->title() == QStringLiteral("&Download dataset");
    });
    QVERIFY(download != menus.end());
    QVERIFY(!(*download)->menuAction()->isEnabled());
    bool asked = false;
    {
      const auto keep = tbtest::answerStopQuestion(QMessageBox::No, &asked);
      QVERIFY(!window.close());
    }
    QVERIFY(asked);
    QVERIFY(window.controller()->isBusy());
    progress.clear();
    QVERIFY(progress.wait(kGenerousMs));  // still training
    asked = false;
    const auto stop = tbtest::answerStopQuestion(QMessageBox::Yes, &asked);
    QVERIFY(!window.close());
    QVERIFY(asked);
    asked = false;
    QVERIFY(!window.close());
    QVERIFY(!asked);  // stopping already: nothing more to ask
    QTest::keyClick(&window, Qt::Key_R, Qt::ControlModifier);
    QVERIFY(window.isVisible());
    QVERIFY(idle.wait(kGenerousMs));
    QTRY_VERIFY(!window.isVisible());
    window.library()->reload();
    QCOMPARE(window.library()->entries().size(), qsizetype{1});
    QCOMPARE(window.library()->entries().first().result.status, tb::RunStatus::Cancelled);
    QCOMPARE(window.controller()->queue().size(), std::size_t{1});  // Ctrl+R queued nothing
  }

  // SIGTERM while Quit's question is up stops the run, saves it and quits with 130: the
  // signal's own close came inside the one asking, and was lost (the run trained on).
  void signalWhileQuitAsksStillQuits() {
    MainWindow window(settingsFile(), resultsFolder());
    window.show();
    tbtest::setTinyRun(window.setupPanel());
    window.setupPanel()->setEpochs(100000);
    QSignalSpy progress(window.controller(), &RunController::batchProgress);
    QVERIFY(window.startRuns().isEmpty());
    QVERIFY(progress.wait(kGenerousMs));
    QTimer signal;  // SIGTERM's handler, once the question is up
    connect(&signal, &QTimer::timeout, &window, [&window] {
      auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
      if (box && box->windowTitle() == QStringLiteral("Stop the run?")) window.requestQuit(130);
    });
    signal.start(50);
    QVERIFY(!window.close());  // it waits for the stopped run's save
    QTRY_VERIFY_WITH_TIMEOUT(!window.isVisible(), kGenerousMs);
    QCOMPARE(window.quitCode(), std::optional<int>(130));
    window.library()->reload();
    QCOMPARE(window.library()->entries().size(), qsizetype{1});
    QCOMPARE(window.library()->entries().first().result.status, tb::RunStatus::Cancelled);
  }

  // Help › About names the versions a bug report needs, in text that can be selected and copied
  // (it could not be); About Qt is beside it.
  void aboutTextCanBeCopied() {
    MainWindow window(settingsFile(), resultsFolder());
    QAction* about = nullptr;
    QStringList helpItems;
    for (QAction* menu : window.menuBar()->actions()) {
      if (menu->text() != QStringLiteral("&Help")) continue;
      for (QAction* item : menu->menu()->actions()) {
        helpItems << item->text();
        if (item->text() == QStringLiteral("&About TrainBench")) about = item;
      }
    }
    QVERIFY2(about && helpItems.contains(QStringLiteral("About &Qt")),
             qPrintable(helpItems.join(',')));
    QString text;
    Qt::TextInteractionFlags flags;
    QTimer::singleShot(0, &window, [&] {
      if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
        text = box->text();
        flags = box->textInteractionFlags();
        box->accept();
      }
    });
    about->trigger();
    QVERIFY2(text.contains(QStringLiteral("LibTorch ")), qPrintable(text));
    QVERIFY(flags.testFlag(Qt::TextSelectableByMouse));
  }

  // A stop question left open while the run ends closes by itself: it named a run that had
  // ended, and its Stop did nothing (or stopped the next run).
  void stopQuestionClosesWhenTheRunEnds() {
    MainWindow window(settingsFile(), resultsFolder());
    tbtest::setTinyRun(window.setupPanel());
    auto* stop = window.findChild<QAction*>(QStringLiteral("stopRunsAction"));
    QSignalSpy started(window.controller(), &RunController::runStarted);
    QVERIFY(window.startRuns().isEmpty());
    QVERIFY(started.wait(kGenerousMs));
    bool answeredByTest = false;
    QTimer::singleShot(kGenerousMs, &window, [&answeredByTest] {  // only if it stays open
      if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
        answeredByTest = true;
        box->reject();
      }
    });
    stop->trigger();  // returns when the question closes
    QVERIFY(!answeredByTest);
    QVERIFY(!window.controller()->isBusy());
    QCOMPARE(window.controller()->queue().first().state, QueuedRun::State::Completed);
  }

  // Tab from outside into Setup (or Shift+Tab from Run) lands on a field scrolled out of
  // sight: the scroll area follows the focus however it came.
  void focusedSetupFieldIsScrolledIntoView() {
    MainWindow window(settingsFile(), resultsFolder());
    window.resize(1000, 420);  // Setup's fields need scrolling
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    QScrollArea* setupScroll = nullptr;
    for (QScrollArea* area : window.findChildren<QScrollArea*>()) {
      if (area->widget() && window.setupPanel()->isAncestorOf(area)) setupScroll = area;
    }
    QVERIFY(setupScroll != nullptr);
    QTRY_VERIFY(setupScroll->verticalScrollBar()->maximum() > 0);
    QWidget* last = nullptr;
    for (QWidget* child : setupScroll->widget()->findChildren<QWidget*>()) {
      if (child->isVisibleTo(setupScroll->widget()) && (child->focusPolicy() & Qt::TabFocus) &&
          (!last || child->mapTo(setupScroll->widget(), QPoint()).y() >
                        last->mapTo(setupScroll->widget(), QPoint()).y())) {
        last = child;
      }
    }
    QVERIFY(last != nullptr);
    setupScroll->verticalScrollBar()->setValue(0);
    window.setupPanel()->runButton()->setFocus(Qt::TabFocusReason);
    last->setFocus(Qt::BacktabFocusReason);  // as Shift+Tab from Run brings it
    QTRY_VERIFY2(!last->visibleRegion().isEmpty(), last->metaObject()->className());
  }

  // Alt and a letter reach each setup field, as in other desktop apps (only Tab did): every
  // mnemonic in the window is one key, none shared with another field or a menu, and Alt+E
  // puts the cursor in Epochs.
  void everySetupFieldHasItsOwnAltKey() {
    MainWindow window(settingsFile(), resultsFolder());
    window.show();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    const auto mnemonic = [](QString text) {
      text.replace(QStringLiteral("&&"), QString());
      const qsizetype amp = text.indexOf(u'&');
      return amp >= 0 && amp + 1 < text.size() ? text.at(amp + 1).toLower() : QChar();
    };
    QMap<QChar, QString> keys;
    QStringList clashes;
    const auto take = [&](const QString& text) {
      const QChar key = mnemonic(text);
      if (key.isNull()) return;
      if (keys.contains(key)) clashes << keys.value(key) + QStringLiteral(" / ") + text;
      keys.insert(key, text);
    };
    for (QAction* menu : window.menuBar()->actions()) take(menu->text());
    int fields = 0;
    for (const QLabel* label : window.setupPanel()->findChildren<QLabel*>()) {
      if (!label->buddy()) continue;
      ++fields;
      QVERIFY2(!mnemonic(label->text()).isNull(), qPrintable(label->text()));
      take(label->text());
    }
    for (const QGroupBox* group : window.setupPanel()->findChildren<QGroupBox*>()) take(group->title());
    for (const QAbstractButton* button : window.setupPanel()->findChildren<QAbstractButton*>()) {
      take(button->text());
    }
    QVERIFY(fields >= 10);
    QVERIFY2(clashes.isEmpty(), qPrintable(clashes.join(QStringLiteral("; "))));
    QTest::keyClick(&window, Qt::Key_E, Qt::AltModifier);
    const QWidget* focused = QApplication::focusWidget();
    QVERIFY(focused);
    bool inEpochs = false;
    for (const QLabel* label : window.setupPanel()->findChildren<QLabel*>()) {
      if (label->text() == QLatin1String("&Epochs")) {
        inEpochs = focused == label->buddy() || label->buddy()->isAncestorOf(focused);
      }
    }
    QVERIFY2(inEpochs, focused->metaObject()->className());
  }

  // Tab stops only where something takes the focus visibly: the scroll areas around the
  // setup fields, the charts and the comparison were stops of their own that showed nothing.
  void scrollAreasAreNoTabStops() {
    MainWindow window(settingsFile(), resultsFolder());
    const auto areas = window.findChildren<QScrollArea*>();
    QVERIFY(!areas.isEmpty());
    for (const QScrollArea* area : areas) {
      QVERIFY2(!(area->focusPolicy() & Qt::TabFocus),
               qPrintable(area->widget() ? area->widget()->metaObject()->className() : "empty"));
    }
  }
};

QTEST_MAIN(WindowKeyboardTest)
#include "tst_window_keyboard.moc"
