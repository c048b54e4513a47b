// Help › User Guide: the README and docs/ read in the app, their links followed, so a user need
// not know where they are nor have a Markdown viewer. They are built in (resources/guide.qrc):
// a package's /usr/share/doc may be left out of an install (Debian allows it).
#pragma once

#include <QWidget>

class QMenu;
class QTextBrowser;

namespace tb::ui {

class UserGuideWindow final : public QWidget {
  Q_OBJECT

 public:
  explicit UserGuideWindow(QWidget* parent = nullptr);
  QTextBrowser* browser() const { return m_browser; }

 private:
  QTextBrowser* m_browser;
};

// Adds Help › User Guide (F1) to `help`: it shows `window`'s one guide window, made at first use.
void addUserGuideAction(QMenu* help, QWidget* window);

}  // namespace tb::ui
