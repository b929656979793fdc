; Klantapp for one Windows user, no administrator rights (NSIS 3, Debian's nsis).
; packaging/windows/build.sh runs:
;   makensis -DVERSION=.. -DBUNDLE=<one-folder bundle> -DOUTFILE=.. -DICON=.. -DSIZE_KB=..
;            [-DSIGN=<command that signs the file given as its last argument>] klantapp.nsi
; Silent: Klantapp-setup.exe /S, and "%LOCALAPPDATA%\Programs\Klantapp\uninstall.exe" /S.
Unicode true
; The default x86 stub silently does nothing under a 64-bit-only Wine; the bundle is
; 64-bit anyway.
Target amd64-unicode
ManifestDPIAware true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Klantapp"

Name "Klantapp ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Klantapp"
; An upgrade goes where the last install went. (Software\Klantapp itself is the
; program's own settings, which neither install nor uninstall touch.)
InstallDirRegKey HKCU "${UNINSTKEY}" "InstallLocation"
Icon "${ICON}"
UninstallIcon "${ICON}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "Klantapp"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "Klantapp installer"
VIAddVersionKey "CompanyName" "Klantapp developers"
VIAddVersionKey "LegalCopyright" "EUPL-1.2"

!ifdef SIGN
  ; The installer and the uninstaller it writes, each signed once it is complete.
  !finalize '${SIGN} "%1"'
  !uninstfinalize '${SIGN} "%1"'
!endif

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

Section "Klantapp"
  SetShellVarContext current
  ; An upgrade replaces the program and only the program: casebooks are folders the
  ; user chooses (for instance in Documents) and never live in the program folder.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}/*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\Klantapp.lnk" "$INSTDIR\klantappw.exe" "" "$INSTDIR\klantappw.exe" 0
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "Klantapp"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "Klantapp developers"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\klantappw.exe"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" ${SIZE_KB}
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\Klantapp.lnk"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\klantapp.exe"
  Delete "$INSTDIR\klantappw.exe"
  Delete "$INSTDIR\uninstall.exe"
  ; Only if empty: anything else someone put in the folder stays.
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTKEY}"
SectionEnd
