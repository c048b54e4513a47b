// Moving a file to the desktop's trash (the freedesktop.org trash on Linux), where the user can
// restore it.
#pragma once

#include <QString>

namespace tb::ui {

// Moves `path` to the trash. Returns false with `error` set where it could not, the file then
// still at `path`.
bool moveToTrash(const QString& path, QString* error);

}  // namespace tb::ui
