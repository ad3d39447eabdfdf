/* ProcessPrng, which Rust's standard library (ruff, grimp) imports from Windows 10's
   bcryptprimitives.dll and Wine 8.0 lacks: the bytes of RtlGenRandom (advapi32).
   Built for the Windows check under Wine only (packaging/windows.py); never shipped. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length); /* RtlGenRandom */

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length) {
        ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
