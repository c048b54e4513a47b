#include "help/user_guide.h"

#include <QAction>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QMenu>
#include <QMessageBox>
#include <QTextBrowser>
#include <QToolBar>
#include <QVBoxLayout>

namespace tb::ui {

namespace {

// The guide window's first width, and the most its screenshots take of it: at full size
// (1366 px) they stood out of the window, to be read by scrolling sideways.
constexpr int kGuideWidth = 900;
constexpr int kImageWidth = kGuideWidth - 80;

// The guide's pages, their screenshots scaled down to kImageWidth.
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
};

QString installedReadme() {
  return QDir::cleanPath(QDir(QCoreApplication::applicationDirPath())
                             .filePath(QStringLiteral("../share/doc/trainbench/README.md")));
}

}  // namespace

QString userGuidePath() {
  for (const QString& candidate : {installedReadme(), QStringLiteral(TRAINBENCH_SOURCE_README)}) {
    if (QFileInfo(candidate).isFile()) return candidate;
  }
  return QString();
}

UserGuideWindow::UserGuideWindow(const QString& readmePath, QWidget* parent)
    : QWidget(parent, Qt::Window), m_browser(new GuideBrowser(this)) {
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
  m_browser->setSource(QUrl::fromLocalFile(readmePath), QTextDocument::MarkdownResource);
}

void addUserGuideAction(QMenu* help, QWidget* window) {
  QAction* guide = help->addAction(QObject::tr("&User Guide"));
  guide->setObjectName(QStringLiteral("userGuide"));
  guide->setShortcut(QKeySequence::HelpContents);
  QObject::connect(guide, &QAction::triggered, window, [window] {
    auto* shown = window->findChild<UserGuideWindow*>(QString(), Qt::FindDirectChildrenOnly);
    if (shown == nullptr) {
      const QString readme = userGuidePath();
      if (readme.isEmpty()) {
        QMessageBox::information(
            window, QObject::tr("User Guide"),
            QObject::tr("The user guide (README.md) is neither in %1 nor in %2, where this "
                        "TrainBench was built.")
                .arg(QDir::toNativeSeparators(QFileInfo(installedReadme()).path()),
                     QDir::toNativeSeparators(
                         QFileInfo(QStringLiteral(TRAINBENCH_SOURCE_README)).path())));
        return;
      }
      shown = new UserGuideWindow(readme, window);
    }
    shown->show();
    shown->raise();
    shown->activateWindow();
  });
}

}  // namespace tb::ui
