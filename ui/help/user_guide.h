// Help › User Guide: the README and docs/ read in the app, their links followed, so a user
// need not know where the package put them (/usr/share/doc/trainbench) nor have a Markdown viewer.
#pragma once

#include <QString>
#include <QWidget>

class QMenu;
class QTextBrowser;

namespace tb::ui {

// The README the guide opens at: the installed package's (beside the programs, in
// ../share/doc/trainbench), else that of the source tree the app was built from (scripts/run.sh
// runs it there). Empty where neither is.
QString userGuidePath();

class UserGuideWindow final : public QWidget {
  Q_OBJECT

 public:
  explicit UserGuideWindow(const QString& readmePath, QWidget* parent = nullptr);
  QTextBrowser* browser() const { return m_browser; }

 private:
  QTextBrowser* m_browser;
};

// Adds Help › User Guide (F1) to `help`: it shows `window`'s one guide window, made at the first
// use, or says where the guide was looked for.
void addUserGuideAction(QMenu* help, QWidget* window);

}  // namespace tb::ui
