/* Test-only stub for Wine 8.0: the ICU converter functions Qt6Core imports from
 * Windows' icuuc.dll. Every converter is unavailable (see README.md). */
#include <stddef.h>

#define U_MISSING_RESOURCE_ERROR 2
#define EXPORT __declspec(dllexport)

EXPORT void *ucnv_open(const char *name, int *status)
{
    (void)name;
    if (status && *status <= 0)
        *status = U_MISSING_RESOURCE_ERROR;
    return NULL;
}

/* The rest are never reached without an open converter: each does nothing. */
#define NOTHING(name) EXPORT int name(void) { return 0; }
NOTHING(ucnv_close)
NOTHING(ucnv_reset)
NOTHING(ucnv_getMaxCharSize)
NOTHING(ucnv_getName)
NOTHING(ucnv_getToUCallBack)
NOTHING(ucnv_getFromUCallBack)
NOTHING(ucnv_setToUCallBack)
NOTHING(ucnv_setFromUCallBack)
NOTHING(ucnv_cbToUWriteUChars)
NOTHING(ucnv_cbFromUWriteUChars)
NOTHING(ucnv_toUnicode)
NOTHING(ucnv_fromUnicode)
NOTHING(ucnv_toUCountPending)
NOTHING(ucnv_fromUCountPending)
NOTHING(ucnv_getStandardName)
NOTHING(ucnv_getAvailableName)
NOTHING(ucnv_countAvailable)
NOTHING(UCNV_FROM_U_CALLBACK_SUBSTITUTE)
NOTHING(UCNV_TO_U_CALLBACK_SUBSTITUTE)
