#pragma once

#include <QLabel>

namespace Choragen {

// A small pill that says where a key lives (or where keys go): an icon and a word, coloured from
// the palette so it reads on light and dark themes alike.
class StorageBadge : public QLabel
{
    Q_OBJECT
public:
    enum class Kind { Keychain, File, Environment, NotSet, Loading, Waiting, Error };
    Q_ENUM(Kind)

    explicit StorageBadge(QWidget *parent = nullptr);

    // What the badge is about, for screen readers, e.g. "Anthropic key".
    void setSubject(const QString &subject);
    void setState(Kind kind, const QString &text);
    Kind kind() const { return m_kind; }

    // The colour that tells the kinds apart, for this palette.
    QColor accentColor() const;
    QColor backgroundColor() const;

    static QString iconName(Kind kind);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void updateAccessibleName();

    Kind m_kind = Kind::NotSet;
    QString m_subject;
};

} // namespace Choragen
