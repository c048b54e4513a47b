// A non-modal notice strip above the main area: run failures and import errors appear here
// without stopping the user (the app keeps working, the next queued run starts).
#pragma once

#include <QFrame>

class QLabel;

namespace tb::ui {

class NoticeBar final : public QFrame {
  Q_OBJECT

 public:
  explicit NoticeBar(QWidget* parent = nullptr);

  void showNotice(const QString& text, bool error);
  QString text() const;

 private:
  QLabel* m_label;
};

}  // namespace tb::ui
