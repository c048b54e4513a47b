// The main window with the keyboard alone, and what a screen reader is told: the shortcuts that
// put the focus in a table, Tab leaving a table, notices with an accessible name.
#include "common/metatypes.h"
#include "comparison/comparison_panel.h"
#include "history/history_panel.h"
#include "model/run_collection.h"
#include "window/main_window.h"
#include "window/notice_bar.h"

#include "../support/run_result_builder.h"

#include <QApplication>
#include <QLabel>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace tb::ui;

class KeyboardTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir m_dir;
  QString settingsFile() const { return m_dir.filePath(QStringLiteral("settings.ini")); }
  QString resultsFolder() const { return m_dir.filePath(QStringLiteral("results")); }

 private Q_SLOTS:
  void initTestCase() { registerMetaTypes(); }

  // With the keyboard alone: Ctrl+H and Ctrl+G put the focus in History's table and in the
  // comparison (Ctrl+H only showed the tab, twenty Tab presses away), Tab leaves a table
  // instead of wrapping through its cells, and a notice can be announced where it appears.
  void keyboardReachesEveryTableAndNoticesAreAnnounced() {
    MainWindow window(settingsFile(), resultsFolder());
    tbtest::RunResultBuilder one;
    one.workload("fashion-mlp").device("cpu", "cpu name").host("host-a").epoch(1.0, 1000.0);
    tbtest::RunResultBuilder two;
    two.workload("fashion-mlp").device("cuda:0", "gpu name").host("host-a").epoch(0.5, 2000.0);
    window.collection()->add(one.totalSeconds(2.0));
    window.collection()->add(two.totalSeconds(1.0));
    window.show();
    QApplication::setActiveWindow(&window);
    QVERIFY(QTest::qWaitForWindowActive(&window));

    auto* history = window.findChild<HistoryPanel*>();
    QVERIFY(history);
    QTest::keyClick(&window, Qt::Key_H, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(history->view()));
    QTableWidget* table = window.comparisonPanel()->table();
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_G, Qt::ControlModifier);
    QTRY_COMPARE(QApplication::focusWidget(), static_cast<QWidget*>(table));
    QTRY_VERIFY(table->rowCount() >= 2);  // the article's rows may follow
    table->setCurrentCell(0, 0);
    QTest::keyClick(table, Qt::Key_Tab);
    QVERIFY(QApplication::focusWidget() != table);

    // The notice's text is its label's accessible name, which the Alert event a screen reader
    // gets names (the offscreen platform that tests run on has no accessibility bridge to
    // catch the event itself).
    window.showNotice(QStringLiteral("Tick at least one device."), false);
    const auto* label = window.noticeBar()->findChild<QLabel*>(QStringLiteral("noticeText"));
    QVERIFY(label);
    QCOMPARE(label->accessibleName(), QStringLiteral("Tick at least one device."));
    // An error is said to be one in words, and marked by an icon, not only by the bar's red.
    window.showNotice(QStringLiteral("Run on cpu failed: out of memory"), true);
    QVERIFY2(label->accessibleName().startsWith(QLatin1String("Error: Tick at least one device.")),
             qPrintable(label->accessibleName()));
    const QList<QLabel*> labels = window.noticeBar()->findChildren<QLabel*>();
    QVERIFY(std::any_of(labels.begin(), labels.end(), [&](const QLabel* other) {
      return other != label && other->accessibleName() == QLatin1String("Error") &&
             other->isVisibleTo(window.noticeBar());
    }));
  }

};

QTEST_MAIN(KeyboardTest)
#include "tst_keyboard.moc"
