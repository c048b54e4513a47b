#include "help/user_guide.h"

#include <QAction>
#include <QImage>
#include <QMenu>
#include <QRegularExpression>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QToolBar>
#include <QVBoxLayout>

// Outside any namespace, as Q_INIT_RESOURCE must be: resources/guide.qrc lives in the static
// trainbench_ui library, which would otherwise leave it out of the programs.
static void initGuideResources() { Q_INIT_RESOURCE(guide); }

namespace tb::ui {

namespace {

// The guide window's first width, and the most its screenshots take of it: at full size
// (1366 px) they stood out of the window, to be read by scrolling sideways.
constexpr int kGuideWidth = 900;
constexpr int kImageWidth = kGuideWidth - 80;

// GitHub's name for a heading's anchor, which the pages' links use: "Building by hand, and
// other LibTorch builds" is #building-by-hand-and-other-libtorch-builds.
QString headingAnchor(const QString& heading) {
  static const QRegularExpression dropped(QStringLiteral("[^\\w\\- ]"),
                                          QRegularExpression::UseUnicodePropertiesOption);
  QString anchor = heading.trimmed().toLower();
  anchor.remove(dropped);
  return anchor.replace(u' ', u'-');
}

// The guide's pages: screenshots scaled down to kImageWidth, and headings given the anchors
// that links within and between the pages name (Qt's Markdown reader gives them none, and
// "see below" links did nothing).
class GuideBrowser final : public QTextBrowser {
 public:
  using QTextBrowser::QTextBrowser;

 protected:
  QVariant loadResource(int type, const QUrl& name) override {
    QVariant resource = QTextBrowser::loadResource(type, name);
    if (type != QTextDocument::ImageResource) return resource;
    QImage image = resource.value<QImage>();
    if (image.isNull()) image.loadFromData(resource.toByteArray());
    if (image.isNull() || image.width() <= kImageWidth) return resource;
    return image.scaledToWidth(kImageWidth, Qt::SmoothTransformation);
  }

  void doSetSource(const QUrl& name, QTextDocument::ResourceType type) override {
    // Named at each call: a link to a heading of the page shown may load that page again.
    QTextBrowser::doSetSource(name, type);
    nameHeadings();
    // The page loaded just now, its fragment found no anchor before nameHeadings.
    if (!name.fragment().isEmpty()) scrollToAnchor(name.fragment());
  }

 private:
  void nameHeadings() {
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
      if (block.blockFormat().headingLevel() == 0) continue;
      QTextCursor cursor(block);  // the heading's text (BlockUnderCursor began a line above)
      cursor.movePosition(QTextCursor::EndOfBlock, QTextCursor::KeepAnchor);
      QTextCharFormat anchor;
      anchor.setAnchor(true);
      anchor.setAnchorNames({headingAnchor(block.text())});
      cursor.mergeCharFormat(anchor);
    }
  }
};

}  // namespace

UserGuideWindow::UserGuideWindow(QWidget* parent)
    : QWidget(parent, Qt::Window), m_browser(new GuideBrowser(this)) {
  initGuideResources();
  setObjectName(QStringLiteral("userGuide"));
  // The web's links (the project's page) go to the browser; the guide's own pages open here.
  m_browser->setOpenExternalLinks(true);
  auto* tools = new QToolBar(this);
  QAction* back = tools->addAction(tr("Back"), m_browser, &QTextBrowser::backward);
  back->setShortcut(QKeySequence::Back);
  back->setEnabled(false);
  QAction* forward = tools->addAction(tr("Forward"), m_browser, &QTextBrowser::forward);
  forward->setShortcut(QKeySequence::Forward);
  forward->setEnabled(false);
  tools->addAction(tr("Contents"), m_browser, &QTextBrowser::home)->setToolTip(tr("The README"));
  connect(m_browser, &QTextBrowser::backwardAvailable, back, &QAction::setEnabled);
  connect(m_browser, &QTextBrowser::forwardAvailable, forward, &QAction::setEnabled);
  connect(m_browser, &QTextBrowser::sourceChanged, this, [this](const QUrl& page) {
    setWindowTitle(tr("TrainBench User Guide \u2014 %1").arg(page.fileName()));
  });
  // Closed from the keyboard as help windows are: Escape, or Ctrl+W.
  auto* close = new QAction(tr("Close"), this);
  close->setShortcuts({QKeySequence(Qt::Key_Escape), QKeySequence(QKeySequence::Close)});
  connect(close, &QAction::triggered, this, &QWidget::close);
  addAction(close);
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->setSpacing(0);
  layout->addWidget(tools);
  layout->addWidget(m_browser);
  resize(kGuideWidth, 700);
  // Markdown by its suffix, here and for the docs/*.md its links lead to.
  m_browser->setSource(QUrl(QStringLiteral("qrc:/guide/README.md")),
                       QTextDocument::MarkdownResource);
}

void addUserGuideAction(QMenu* help, QWidget* window) {
  QAction* guide = help->addAction(QObject::tr("&User Guide"));
  guide->setObjectName(QStringLiteral("userGuide"));
  guide->setShortcut(QKeySequence::HelpContents);
  QObject::connect(guide, &QAction::triggered, window, [window] {
    auto* shown = window->findChild<UserGuideWindow*>(QString(), Qt::FindDirectChildrenOnly);
    if (shown == nullptr) shown = new UserGuideWindow(window);
    shown->show();
    shown->raise();
    shown->activateWindow();
  });
}

}  // namespace tb::ui
