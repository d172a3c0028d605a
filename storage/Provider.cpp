#include "Provider.h"

namespace Choragen {

bool isPlainName(const QString &name, qsizetype maxLength)
{
    if (name.isEmpty() || name.size() > maxLength)
        return false;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
        if (alnum)
            continue;
        if (i > 0 && (c == u'-' || c == u'_' || c == u'.'))
            continue;
        return false;
    }
    return true;
}

bool isValidProviderId(const QString &id)
{
    return isPlainName(id, 64);
}

} // namespace Choragen
