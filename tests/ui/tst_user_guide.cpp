// Help › User Guide shows the README in the app and follows its links to docs/: the README's
// place (the package's /usr/share/doc/trainbench, or the source tree) was for users to find.
#include "help/user_guide.h"
#include "window/main_window.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QtTest>

using namespace tb::ui;

class UserGuideTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Run from its build folder (as scripts/run.sh does), the app finds the source's README.
  void guideIsTheSourceReadmeInABuildTree() {
    const QString source = qEnvironmentVariable("TRAINBENCH_SOURCE_DIR");
    QVERIFY(!source.isEmpty());
    QCOMPARE(QFileInfo(userGuidePath()).canonicalFilePath(),
             QFileInfo(QDir(source).filePath(QStringLiteral("README.md"))).canonicalFilePath());
  }

  // F1 opens one guide window, the README rendered (headings, not Markdown's marks); a link to
  // docs/cli.md opens that page rendered too, and Back returns.
  void helpShowsTheReadmeAndFollowsItsLinks() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    MainWindow window(dir.filePath(QStringLiteral("settings.ini")),
                      dir.filePath(QStringLiteral("results")));
    auto* action = window.findChild<QAction*>(QStringLiteral("userGuide"));
    QVERIFY(action);
    QCOMPARE(action->shortcut(), QKeySequence(QKeySequence::HelpContents));
    action->trigger();
    action->trigger();
    const auto guides = window.findChildren<UserGuideWindow*>();
    QCOMPARE(guides.size(), 1);
    UserGuideWindow* guide = guides.first();
    QVERIFY(guide->isVisible());
    QTextBrowser* browser = guide->browser();
    const QString readme = browser->toPlainText();
    QVERIFY2(readme.startsWith(QStringLiteral("TrainBench")), qPrintable(readme.left(80)));
    QVERIFY(readme.contains(QStringLiteral("Two commands")));
    QVERIFY(!readme.contains(QStringLiteral("## Two commands")));
    QVERIFY(guide->windowTitle().endsWith(QStringLiteral("README.md")));

    // As a click on the link does: the link's own URL, relative to the README.
    browser->setSource(QUrl(QStringLiteral("docs/cli.md")));
    QVERIFY(guide->windowTitle().endsWith(QStringLiteral("cli.md")));
    const QString cli = browser->toPlainText();
    QVERIFY2(!cli.startsWith(u'#') && cli.contains(QStringLiteral("trainbench-cli")),
             qPrintable(cli.left(80)));
    QVERIFY(browser->isBackwardAvailable());
    browser->backward();
    QVERIFY(browser->toPlainText().contains(QStringLiteral("Two commands")));

    // Escape closes it, as a help window does; F1 brings the same one back.
    QVERIFY(QTest::qWaitForWindowActive(guide));
    QTest::keyClick(browser, Qt::Key_Escape);
    QVERIFY(!guide->isVisible());
    action->trigger();
    QVERIFY(guide->isVisible());
    QCOMPARE(window.findChildren<UserGuideWindow*>().size(), 1);
  }
};

QTEST_MAIN(UserGuideTest)
#include "tst_user_guide.moc"
