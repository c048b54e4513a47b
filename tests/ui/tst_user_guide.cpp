// Help › User Guide shows the README and docs/ in the app and follows their links: where they
// were (the package's /usr/share/doc/trainbench, which an install may leave out, or the source
// tree) was for users to find, and Markdown for them to read raw.
#include "help/user_guide.h"
#include "window/main_window.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QtTest>

using namespace tb::ui;

namespace {

// Clicks the first link to `href` on the page, as a user does; false where there is none.
bool clickLink(QTextBrowser* browser, const QString& href) {
  for (QTextBlock block = browser->document()->begin(); block.isValid(); block = block.next()) {
    for (auto it = block.begin(); !it.atEnd(); ++it) {
      const QTextFragment fragment = it.fragment();
      if (fragment.charFormat().anchorHref() != href) continue;
      QTextCursor cursor(browser->document());
      cursor.setPosition(fragment.position() + 1);
      browser->setTextCursor(cursor);
      browser->ensureCursorVisible();
      QTest::mouseClick(browser->viewport(), Qt::LeftButton, {},
                        browser->cursorRect(cursor).center());
      return true;
    }
  }
  return false;
}

}  // namespace

class UserGuideTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // Every page and screenshot of docs/ is built in (resources/guide.qrc), as written: a page
  // added to docs/ and not to the guide would be a dead link there.
  void guideHoldsEveryDocsPage() {
    const QString source = qEnvironmentVariable("TRAINBENCH_SOURCE_DIR");
    QVERIFY(!source.isEmpty());
    UserGuideWindow guide;  // loads the resources
    const QDir docs(QDir(source).filePath(QStringLiteral("docs")));
    const QStringList pages = docs.entryList({QStringLiteral("*.md"), QStringLiteral("*.png")});
    QVERIFY(pages.size() >= 6);
    for (const QString& page : pages) {
      QFile built(QStringLiteral(":/guide/docs/") + page);
      QVERIFY2(built.open(QIODevice::ReadOnly), qPrintable(page));
      QFile written(docs.filePath(page));
      QVERIFY(written.open(QIODevice::ReadOnly));
      QVERIFY2(built.readAll() == written.readAll(), qPrintable(page));
    }
    QVERIFY(QFile::exists(QStringLiteral(":/guide/README.md")));
    QVERIFY(QFile::exists(QStringLiteral(":/guide/packaging/README.md")));
  }

  // F1 opens one guide window, the README rendered (headings, not Markdown's marks); a link to
  // docs/cli.md opens that page rendered too, Back returns, and a link to a heading below
  // scrolls to it.
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

    QVERIFY(QTest::qWaitForWindowExposed(guide));
    QVERIFY(clickLink(browser, QStringLiteral("#building-by-hand-and-other-libtorch-builds")));
    const QPoint heading = browser
                               ->cursorRect(browser->document()->find(
                                   QStringLiteral("Building by hand, and other LibTorch builds")))
                               .topLeft();
    QVERIFY(browser->verticalScrollBar()->value() > 0);  // in view, near the page's end
    QVERIFY2(heading.y() >= 0 && heading.y() < browser->viewport()->height() / 2,
             qPrintable(QString::number(heading.y())));
    QVERIFY(clickLink(browser, QStringLiteral("docs/cli.md")));
    QVERIFY(guide->windowTitle().endsWith(QStringLiteral("cli.md")));
    const QString cli = browser->toPlainText();
    QVERIFY2(!cli.startsWith(u'#') && cli.contains(QStringLiteral("trainbench-cli")),
             qPrintable(cli.left(80)));
    QVERIFY(browser->isBackwardAvailable());
    browser->backward();
    QVERIFY(browser->toPlainText().contains(QStringLiteral("Two commands")));
    // A heading of another page, as a link there would name it.
    browser->setSource(
        browser->source().resolved(QUrl(QStringLiteral("docs/result-format.md#keys"))));
    QVERIFY(guide->windowTitle().endsWith(QStringLiteral("result-format.md")));
    QVERIFY(browser->verticalScrollBar()->value() > 0);

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
