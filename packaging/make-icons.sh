#!/usr/bin/env bash
# Renders resources/icons/klantapp.svg (our own drawing, EUPL-1.2 like the project) into
# the PNG sizes the .desktop file, AppStream and the .deb use, and the .ico that the
# Windows launchers, the NSIS installer and the MSI carry. The results are committed:
# run this only after changing the SVG (needs librsvg2-bin and the .venv's Pillow).
set -euo pipefail
cd "$(dirname "$0")/../resources/icons"
SIZES=(16 24 32 48 64 128 256 512)
for s in "${SIZES[@]}"; do
  rsvg-convert -w "$s" -h "$s" klantapp.svg -o "klantapp-$s.png"
done
../../.venv/bin/python - <<'PY'
from PIL import Image

sizes = [16, 24, 32, 48, 64, 128, 256]
images = [Image.open(f"klantapp-{s}.png").convert("RGBA") for s in sizes]
# Each size drawn by rsvg from the SVG, not scaled down by Pillow from the largest one.
images[-1].save("klantapp.ico", sizes=[(s, s) for s in sizes], append_images=images[:-1])
PY
ls -l klantapp*
