/* The ICU converter functions Qt6Core imports from Windows 10's icuuc.dll, which Wine 8.0
   lacks. Every converter is "unavailable": Qt falls back to its own UTF-8/16/Latin-1 codecs.
   Built for the Windows check under Wine only (packaging/windows.py); never shipped. */
#include <stddef.h>
#define EXPORT __declspec(dllexport)
#define U_FILE_ACCESS_ERROR 4
static void refuse(int *err) { if (err && *err <= 0) *err = U_FILE_ACCESS_ERROR; }
EXPORT void *ucnv_open(const char *name, int *err) { (void)name; refuse(err); return NULL; }
EXPORT void ucnv_close(void *c) { (void)c; }
EXPORT void ucnv_reset(void *c) { (void)c; }
EXPORT signed char ucnv_getMaxCharSize(const void *c) { (void)c; return 4; }
EXPORT const char *ucnv_getName(const void *c, int *err) { (void)c; refuse(err); return NULL; }
EXPORT void ucnv_getToUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_getFromUCallBack(const void *c, void **a, const void **b) { (void)c; if (a) *a = NULL; if (b) *b = NULL; }
EXPORT void ucnv_setToUCallBack(void *c, void *n, const void *x, void **o, const void **ox, int *err) { (void)c; (void)n; (void)x; (void)o; (void)ox; refuse(err); }
EXPORT void ucnv_setFromUCallBack(void *c, void *n, const void *x, void **o, const void **ox, int *err) { (void)c; (void)n; (void)x; (void)o; (void)ox; refuse(err); }
EXPORT void ucnv_cbToUWriteUChars(void *a, const void *s, int l, int o, int *err) { (void)a; (void)s; (void)l; (void)o; refuse(err); }
EXPORT void ucnv_cbFromUWriteUChars(void *a, const void **s, const void *l, int o, int *err) { (void)a; (void)s; (void)l; (void)o; refuse(err); }
EXPORT void ucnv_toUnicode(void *c, void **t, const void *tl, const char **s, const char *sl, int *o, signed char f, int *err) { (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; refuse(err); }
EXPORT void ucnv_fromUnicode(void *c, char **t, const char *tl, const void **s, const void *sl, int *o, signed char f, int *err) { (void)c; (void)t; (void)tl; (void)s; (void)sl; (void)o; (void)f; refuse(err); }
EXPORT int ucnv_toUCountPending(const void *c, int *err) { (void)c; refuse(err); return 0; }
EXPORT int ucnv_fromUCountPending(const void *c, int *err) { (void)c; refuse(err); return 0; }
EXPORT const char *ucnv_getStandardName(const char *n, const char *s, int *err) { (void)n; (void)s; refuse(err); return NULL; }
EXPORT const char *ucnv_getAvailableName(int i) { (void)i; return NULL; }
EXPORT int ucnv_countAvailable(void) { return 0; }
EXPORT void UCNV_FROM_U_CALLBACK_SUBSTITUTE(void) {}
EXPORT void UCNV_TO_U_CALLBACK_SUBSTITUTE(void) {}
