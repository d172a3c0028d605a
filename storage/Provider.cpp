#include "Provider.h"

namespace Choragen {

bool isValidProviderId(const QString &id)
{
    if (id.isEmpty() || id.size() > 64)
        return false;
    for (qsizetype i = 0; i < id.size(); ++i) {
        const QChar c = id.at(i);
        const bool alnum = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9');
        if (alnum)
            continue;
        if (i > 0 && (c == u'-' || c == u'_' || c == u'.'))
            continue;
        return false;
    }
    return true;
}

} // namespace Choragen
