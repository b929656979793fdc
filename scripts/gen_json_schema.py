"""Regenerate docs/casebook.schema.json from the record registry."""

from __future__ import annotations

import json
from pathlib import Path

from klantapp.casebook.jsonio import json_schema

TARGET = Path(__file__).resolve().parents[1] / "docs" / "casebook.schema.json"

if __name__ == "__main__":
    TARGET.write_text(
        json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(f"wrote {TARGET}")
