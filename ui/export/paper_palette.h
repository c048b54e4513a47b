// Charts printed on paper: under a dark theme the report's charts and legend were dark blocks on
// the white page. While a PaperPalette lives, the widgets it was given draw with a light palette
// (their own PaletteChange handling restyles the plots); it restores theirs when it goes.
#pragma once

#include <QList>
#include <QPalette>
#include <QPointer>
#include <QWidget>

namespace tb::ui {

class PaperPalette {
 public:
  explicit PaperPalette(const QList<QWidget*>& widgets);
  ~PaperPalette();
  PaperPalette(const PaperPalette&) = delete;
  PaperPalette& operator=(const PaperPalette&) = delete;

  // Black on white, as a light theme draws.
  static QPalette paper();

 private:
  struct Saved {
    QPointer<QWidget> widget;
    QPalette palette;
    bool own = false;  // set on the widget itself, not inherited
  };
  QList<Saved> m_saved;
};

}  // namespace tb::ui
