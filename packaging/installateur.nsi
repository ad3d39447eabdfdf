; Encoding: UTF-8 (makensis -INPUTCHARSET UTF8, as packaging/construire.py calls it).
; Per-user installer of Contrôle PJ (no administrator rights), compiled by makensis:
;   makensis -INPUTCHARSET UTF8 -DVERSION=1.2.3 -DSOURCE=dist\controle-pj -DSORTIE=dist\ControlePJ-1.2.3.exe installateur.nsi
; (python dev.py package passes these). Installs in %LOCALAPPDATA%\Programs\ControlePJ; the
; user's data (%LOCALAPPDATA%\ControlePJ) is never in the install folder, and uninstalling
; keeps it unless the user asks. Installing over an earlier version upgrades it in place.

Target amd64-unicode  ; 64-bit like the program it installs: the installer tested under Wine64 is the one shipped
ManifestDPIAware true
RequestExecutionLevel user
!ifdef RAPIDE
  SetCompress off  ; a check that the script compiles and packs, not an installer to ship
!else
  SetCompressor /SOLID lzma
!endif

!ifndef VERSION
  !error "Définir VERSION (-DVERSION=…)"
!endif
!ifndef SOURCE
  !error "Définir SOURCE, le dossier construit par PyInstaller (-DSOURCE=…)"
!endif
!ifndef SORTIE
  !define SORTIE "ControlePJ-${VERSION}-installation.exe"
!endif
!ifndef VERSION_WINDOWS
  !define VERSION_WINDOWS "0.0.0.0"
!endif

!define NOM "Contrôle PJ"
!define ID "ControlePJ"
!define EXE "controle-pj.exe"
!define DESINSTALLATION "Software\Microsoft\Windows\CurrentVersion\Uninstall\${ID}"

Name "${NOM} ${VERSION}"
OutFile "${SORTIE}"
InstallDir "$LOCALAPPDATA\Programs\${ID}"
InstallDirRegKey HKCU "Software\${ID}" "Dossier"
BrandingText "${NOM} ${VERSION}"

VIProductVersion "${VERSION_WINDOWS}"
VIAddVersionKey /LANG=1036 "ProductName" "${NOM}"
VIAddVersionKey /LANG=1036 "FileDescription" "Installation de ${NOM}"
VIAddVersionKey /LANG=1036 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1036 "LegalCopyright" "${NOM}"

!include "MUI2.nsh"
!include "FileFunc.nsh"

!define MUI_ICON "controle-pj.ico"
!define MUI_UNICON "controle-pj.ico"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Ouvrir ${NOM}"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${SOURCE}\LICENCE-INSTALLATION.txt"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "French"

; A running copy locks its files: ask the user to close it (a running executable cannot be
; opened for writing) rather than fail in the middle of the copy. The window and the command
; line are both checked: either one running holds the shared folder.
!macro FERMER_APPLICATION un
Function ${un}FermerApplication
    StrCpy $1 "${EXE}"
    Call ${un}EstLibre
    StrCpy $1 "controle-pj-cli.exe"
    Call ${un}EstLibre
    Return
FunctionEnd

Function ${un}EstLibre  ; $1: an executable of the install folder; aborts if it runs
  encore:
    IfFileExists "$INSTDIR\$1" 0 fin
    ClearErrors
    FileOpen $0 "$INSTDIR\$1" a
    IfErrors 0 libre
    MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION \
      "${NOM} est ouvert ($1). Fermez-le (vos décisions sont déjà enregistrées), puis \
cliquez sur Réessayer." /SD IDCANCEL IDRETRY encore
    Abort
  libre:
    FileClose $0
  fin:
FunctionEnd
!macroend
!insertmacro FERMER_APPLICATION ""
!insertmacro FERMER_APPLICATION "un."

Section "${NOM} (obligatoire)" SecApplication
  SectionIn RO
  SetShellVarContext current
  Call FermerApplication
  ; An upgrade replaces the program's files: nothing of the earlier version is left to load.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${SOURCE}\*"
  WriteUninstaller "$INSTDIR\desinstaller.exe"

  CreateShortcut "$SMPROGRAMS\${NOM}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0

  WriteRegStr HKCU "Software\${ID}" "Dossier" "$INSTDIR"
  WriteRegStr HKCU "${DESINSTALLATION}" "DisplayName" "${NOM}"
  WriteRegStr HKCU "${DESINSTALLATION}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${DESINSTALLATION}" "Publisher" "${NOM}"
  WriteRegStr HKCU "${DESINSTALLATION}" "DisplayIcon" "$INSTDIR\${EXE}"
  WriteRegStr HKCU "${DESINSTALLATION}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${DESINSTALLATION}" "UninstallString" '"$INSTDIR\desinstaller.exe"'
  WriteRegStr HKCU "${DESINSTALLATION}" "QuietUninstallString" '"$INSTDIR\desinstaller.exe" /S'
  WriteRegDWORD HKCU "${DESINSTALLATION}" "NoModify" 1
  WriteRegDWORD HKCU "${DESINSTALLATION}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${DESINSTALLATION}" "EstimatedSize" $0
SectionEnd

Section /o "Raccourci sur le bureau" SecBureau
  SetShellVarContext current
  CreateShortcut "$DESKTOP\${NOM}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Call un.FermerApplication
  Delete "$SMPROGRAMS\${NOM}.lnk"
  Delete "$DESKTOP\${NOM}.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\controle-pj-cli.exe"
  Delete "$INSTDIR\LICENCE.txt"
  Delete "$INSTDIR\LICENCE-INSTALLATION.txt"
  Delete "$INSTDIR\TIERS.txt"
  Delete "$INSTDIR\desinstaller.exe"
  ; Every file the installer put here is named above (the Windows check under Wine proves the
  ; folder goes): a folder the user chose is never removed with what else it holds.
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${DESINSTALLATION}"
  DeleteRegKey HKCU "Software\${ID}"
  ; The data (base, candidates' files, backups, log) stays unless the user asks; a silent
  ; uninstallation (/S) keeps it.
  MessageBox MB_YESNO|MB_ICONQUESTION|MB_DEFBUTTON2 \
    "Supprimer aussi vos données ?$\r$\n$\r$\nLa base, les fichiers des candidats, les \
sauvegardes et le journal, dans $LOCALAPPDATA\${ID}, seront effacés définitivement. \
Répondez Non pour les garder (réinstallation, mise à jour)." /SD IDNO IDNO garder
    RMDir /r "$LOCALAPPDATA\${ID}"
  garder:
SectionEnd
