#!/usr/bin/env bash
# The MSI of the Windows bundle (msitools' wixl): packaging/windows/msi.sh VERSION OUT.msi
# (build.sh makes the release one; smoke.sh a higher version to test major upgrades).
source "$(dirname "$0")/../common.sh"
OUT="$BUILD/windows"
# wixl takes relative paths only: it runs in $OUT, with the icon copied there.
cd "$OUT"
cp "$ROOT/resources/icons/klantapp.ico" klantapp.ico
find dist/klantapp -type f | sort \
  | wixl-heat -p dist/klantapp/ --directory-ref INSTALLDIR --component-group Bundle \
    --var var.SourceDir --win64 >files.wxs
wixl -a x64 -D Version="$1" -D SourceDir=dist/klantapp -D Win64=yes -D Icon=klantapp.ico \
  -o "$2" "$ROOT/packaging/windows/klantapp.wxs" files.wxs
