#include "Log.h"

Q_LOGGING_CATEGORY(lcStorage, "choragen.storage", QtWarningMsg)
Q_LOGGING_CATEGORY(lcKeychain, "choragen.storage.keychain", QtWarningMsg)
