"""The command line keeps issue 8's promises as a user meets them: passwd locks out the
old passphrase, recover and repair work, read-only commands change nothing, and every
message is plain, in the chosen language, without the refused value."""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from klantapp.casebook import Casebook, services
from klantapp.vault import KdfParams, journal

PASS = "een lange test wachtwoordzin"
NEW = "een heel andere zin 42"
ROOT = Path(__file__).resolve().parents[2]


def run(
    *args: str,
    passphrase: str | None = PASS,
    new: str | None = None,
    stdin: bytes | None = None,
    extra_env: dict[str, str] | None = None,
    **kw,
) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLANTAPP_")}
    if passphrase is not None:
        env["KLANTAPP_PASSPHRASE"] = passphrase
    if new is not None:
        env["KLANTAPP_NEW_PASSPHRASE"] = new
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "-m", "klantapp.cli", *args],
        capture_output=True,
        env=env,
        input=stdin,
        timeout=120,
        **kw,
    )


def state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "casebook.lock"}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "dossier"
    cb, _ = Casebook.create(path, PASS, kdf=KdfParams.for_tests())
    services.add_record(cb, "households", {"name": "Familie Şükrü Yılmaz", "status": "azc"})
    cb.close()
    return path


def add_household(path: Path, passphrase: str, name: str) -> None:
    cb = Casebook.open(path, passphrase)
    try:
        services.add_record(cb, "households", {"name": name, "status": "azc"})
    finally:
        cb.close()


# -- finding 1: passwd ---------------------------------------------------------------


def test_after_passwd_the_old_header_and_passphrase_open_nothing_new(book: Path) -> None:
    old_headers = {p.name: p.read_bytes() for p in book.glob("header-*.kvh")}
    backup = book.parent / "backup"
    shutil.copytree(book, backup)
    assert run("passwd", str(book), new=NEW).returncode == 0
    add_household(book, NEW, "GEHEIM NA DE WISSEL")
    for name, data in old_headers.items():  # put the old header back
        (book / name).write_bytes(data)
    result = run("search", str(book), "GEHEIM")
    assert result.returncode in (3, 4), result.stderr
    for path in backup.iterdir():  # and the whole old generation beside it
        shutil.copy2(path, book / path.name)
    result = run("search", str(book), "GEHEIM")
    assert result.returncode == 3 and b"GEHEIM" not in result.stdout
    assert b"GEHEIM NA DE WISSEL" in run("search", str(book), "GEHEIM", passphrase=NEW).stdout


def test_passwd_refuses_a_weak_or_unchanged_passphrase(book: Path) -> None:
    for weak in ("aaaaaaaaaa", " " * 10, "aaaaaaaaaaaaaaaa", PASS):
        result = run("passwd", str(book), new=weak)
        assert result.returncode == 2, weak
        assert weak.strip().encode() not in result.stderr or not weak.strip()
    assert b"gelijk aan de huidige" in run("passwd", str(book), new=PASS).stderr
    assert run("verify", str(book)).returncode == 0  # nothing changed


def test_init_refuses_a_weak_passphrase_but_demo_takes_demo(tmp_path: Path) -> None:
    secret = str(tmp_path / "geheim.txt")
    result = run("init", str(tmp_path / "a"), "--recovery-secret-out", secret, passphrase=" " * 12)
    assert result.returncode == 2 and not (tmp_path / "a").exists()
    assert run("demo", str(tmp_path / "demo"), passphrase="demo").returncode == 0


def test_passwd_with_a_new_recovery_key_locks_out_the_old_key(tmp_path: Path) -> None:
    from klantapp.vault import generate_recovery_identity
    from klantapp.vault.recovery import secret_file_text

    def key_file(name: str) -> tuple[str, Path]:
        public, secret = generate_recovery_identity()
        path = tmp_path / name
        path.write_text(secret_file_text(secret, "dossier"))
        return public, path

    old_public, old_secret = key_file("oud.txt")
    new_public, new_secret = key_file("nieuw.txt")
    target = str(tmp_path / "b")
    Casebook.create(target, PASS, recovery_recipient=old_public, kdf=KdfParams.for_tests())[
        0
    ].close()
    assert run("passwd", target, "--recovery-key", new_public, "--keep-passphrase").returncode == 0
    refused = run("recover", target, "--recovery-secret", str(old_secret), new=NEW)
    assert refused.returncode == 3
    assert run("recover", target, "--recovery-secret", str(new_secret), new=NEW).returncode == 0
    assert run("verify", target, passphrase=NEW).returncode == 0


# -- finding 9: recover --------------------------------------------------------------


@pytest.mark.skipif(shutil.which("age-keygen") is None, reason="needs age-keygen (package age)")
def test_recover_with_an_age_keygen_file_sets_a_new_passphrase(tmp_path: Path) -> None:
    key_file = tmp_path / "kantoor.key"
    subprocess.run(["age-keygen", "-o", str(key_file)], check=True, capture_output=True)
    public = subprocess.run(
        ["age-keygen", "-y", str(key_file)], check=True, capture_output=True, text=True
    ).stdout.strip()
    book = str(tmp_path / "dossier")
    Casebook.create(book, PASS, recovery_recipient=public, kdf=KdfParams.for_tests())[0].close()
    add_household(Path(book), PASS, "Familie Haile")
    result = run("recover", book, "--recovery-secret", str(key_file), passphrase=None, new=NEW)
    assert result.returncode == 0, result.stderr
    assert run("search", book, "Haile").returncode == 3  # the forgotten one is out
    assert b"Familie Haile" in run("search", book, "Haile", passphrase=NEW).stdout


def test_recover_refuses_a_file_without_a_key_and_does_not_echo_it(book: Path, tmp_path) -> None:
    bad = tmp_path / "sleutel.txt"
    bad.write_text("GEHEIM-WOORD-123\n")
    result = run("recover", str(book), "--recovery-secret", str(bad), new=NEW)
    assert result.returncode == 3
    assert b"GEHEIM-WOORD" not in result.stderr and b"AGE-SECRET-KEY-1" in result.stderr


# -- findings 3 and 4: read-only commands, repair -------------------------------------


def damaged_tail(book: Path) -> None:
    """A torn append plus an older generation put back: what a read-only open must
    leave exactly as it is."""
    (book / "snapshot-00000000.kvs.tmp").write_bytes(b"\x00" * 16)
    journal_file = next(book.glob("journal-*.kvj"))
    with open(journal_file, "ab") as handle:
        handle.write(b"\xc5\x00\x00\x01")


def test_read_only_commands_change_no_file(book: Path, tmp_path: Path) -> None:
    damaged_tail(book)
    before = state(book)
    out = tmp_path / "uit"
    out.mkdir()
    for args in (
        ("verify", str(book)),
        ("search", str(book), "Yılmaz"),
        ("due", str(book)),
    ):
        result = run(*args)
        assert result.returncode == 0, (args, result.stderr)
        assert b"niet volledig opgeslagen" in result.stderr, args  # told, not repaired
        assert state(book) == before, args


def test_export_json_of_a_damaged_casebook_still_exports(book: Path, tmp_path: Path) -> None:
    """export-json writes its audit entry (docs/avg.md), so it opens to write: a torn
    last write is set aside as for any writing open, and the export is complete. So do
    the letters (a file of personal data is a logged export too)."""
    damaged_tail(book)
    result = run("export-json", str(book), "-o", str(tmp_path / "export.json"))
    assert result.returncode == 0, result.stderr
    assert json.loads((tmp_path / "export.json").read_text(encoding="utf-8"))["households"]
    letters = tmp_path / "brieven.pdf"
    result = run("letters", str(book), "--date", "2026-01-05", "-o", str(letters))
    assert result.returncode == 0, result.stderr
    assert letters.read_bytes().startswith(b"%PDF")


def cut_inside_an_earlier_record(book: Path) -> None:
    cb = Casebook.open(book, PASS)
    for i in range(4):
        services.add_record(cb, "households", {"name": f"Huishouden {i}", "status": "azc"})
    services.add_record(
        cb,
        "notes",
        {
            "household_id": services.add_record(
                cb, "households", {"name": "Lang", "status": "azc"}
            ),
            "created_at": "2026-01-05T10:00",
            "text": "x" * 3000,
        },
    )
    services.add_record(cb, "households", {"name": "Laatste 1", "status": "azc"})
    services.add_record(cb, "households", {"name": "Laatste 2", "status": "azc"})
    cb.close()
    path = next(book.glob("journal-*.kvj"))
    data = path.read_bytes()
    starts, offset = [], journal.FILE_HEADER_BYTES
    while offset < len(data):
        starts.append(offset)
        (length,) = struct.unpack_from(">I", data, offset + 1)
        offset += journal.FRAME_HEADER_BYTES + 12 + length
    big = starts[-3]  # the record with the long note
    path.write_bytes(data[: big + 200] + data[big + 2500 :])


def test_lost_changes_are_told_and_repair_continues(book: Path) -> None:
    cut_inside_an_earlier_record(book)
    before = state(book)
    refused = run(
        "import-json", str(book), "-", stdin=b'{"format": "klantapp-casebook", "format_version": 1}'
    )
    assert refused.returncode == 4
    assert b"3 opgeslagen wijzigingen" in refused.stderr
    assert b"klantapp repair" in refused.stderr
    assert b"niet volledig opgeslagen" not in refused.stderr
    checked = run("verify", str(book))
    assert checked.returncode == 4 and b"3 opgeslagen wijzigingen" in checked.stderr
    assert state(book) == before

    repaired = run("repair", str(book))
    assert repaired.returncode == 0, repaired.stderr
    assert b"3 opgeslagen wijzigingen" in repaired.stdout
    [aside] = [p for p in book.iterdir() if p.name.startswith("bewaard-")]
    assert {p.name: p.read_bytes() for p in aside.iterdir()} == before
    assert run("verify", str(book)).returncode == 0
    assert (
        run(
            "import-json",
            str(book),
            "-",
            stdin=b'{"format": "klantapp-casebook", "format_version": 1}',
        ).returncode
        == 0
    )


# -- finding 10: input, pipes, encodings, language -------------------------------------


def test_import_json_deep_nesting_is_invalid_input(book: Path, tmp_path: Path) -> None:
    deep = tmp_path / "diep.json"
    deep.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    result = run("import-json", str(book), str(deep))
    assert result.returncode == 5
    assert b"genest" in result.stderr
    assert b"Recursion" not in result.stderr and b"recursion" not in result.stderr


def test_import_json_accepts_a_byte_order_mark(book: Path, tmp_path: Path) -> None:
    doc = {
        "format": "klantapp-casebook",
        "format_version": 1,
        "settings": {"klantmanager": {"name": "Sanne"}},
    }
    notepad = tmp_path / "kladblok.json"
    notepad.write_bytes(b"\xef\xbb\xbf" + json.dumps(doc).encode("utf-8"))
    result = run("import-json", str(book), str(notepad))
    assert result.returncode == 0, result.stderr


def test_search_into_a_closed_pipe_does_not_crash(book: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLANTAPP_")}
    env["KLANTAPP_PASSPHRASE"] = PASS
    proc = subprocess.Popen(
        [sys.executable, "-m", "klantapp.cli", "search", str(book), "Yılmaz", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # `| head` that has read enough: the reader is gone
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 1
    assert b"Traceback" not in err and b"BrokenPipe" not in err and b"Exception" not in err


def test_redirected_output_is_utf8_even_on_a_cp1252_console(book: Path, tmp_path) -> None:
    """What Windows does to `klantapp search ... > hits.txt`: stdout in cp1252."""
    out = tmp_path / "hits.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("KLANTAPP_")}
    env.update(KLANTAPP_PASSPHRASE=PASS, PYTHONIOENCODING="cp1252")
    with out.open("wb") as handle:
        result = subprocess.run(
            [sys.executable, "-m", "klantapp.cli", "search", str(book), "sukru"],
            stdout=handle,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr
    assert "Familie Şükrü Yılmaz" in out.read_bytes().decode("utf-8")


@pytest.mark.parametrize(
    ("args", "passphrase", "english"),
    [
        (("search",), PASS, b"the following arguments are required"),
        (("search", "{book}", "x"), "a wrong passphrase", b"The passphrase is not correct."),
        (("due", "{book}", "--on", "2026-13-01"), PASS, b"not a valid date"),
        (("passwd", "{book}"), PASS, b"too weak"),
        (("zoek", "x"), PASS, b"invalid choice"),
        (("recover", "{book}", "--recovery-secret", "/bestaat/niet"), PASS, b"does not exist"),
    ],
)
def test_messages_follow_klantapp_lang(book: Path, args, passphrase, english) -> None:
    argv = [a.replace("{book}", str(book)) for a in args]
    result = run(*argv, passphrase=passphrase, new="kort", extra_env={"KLANTAPP_LANG": "en"})
    assert result.returncode in (1, 2, 3), result.stderr
    assert english in result.stderr
    assert b"Traceback" not in result.stderr
    for dutch in (b"wachtwoordzin", b"ontbreken", b"Zie '", b"geen geldige"):
        assert dutch not in result.stderr, result.stderr
    assert b"2026-13-01" not in result.stderr  # the refused value is not repeated


def test_a_damaged_header_in_english_shows_no_python_internals(book: Path) -> None:
    header = next(book.glob("header-*.kvh"))
    data = header.read_bytes()
    import hashlib

    magic, version, _length = struct.unpack_from(">8sHI", data)
    body = b"[" * 20_000 + b"]" * 20_000
    signed = struct.pack(">8sHI", magic, version, len(body)) + body + bytes(32)
    header.write_bytes(signed + hashlib.sha256(signed).digest())
    result = run("verify", str(book), extra_env={"KLANTAPP_LANG": "en"})
    assert result.returncode == 4
    assert b"recursion" not in result.stderr.lower() and b"Expecting" not in result.stderr
    assert b"the header data do not have the right form" in result.stderr


# -- finding 8: core dumps -----------------------------------------------------------

HARDENED = r"""
import ctypes, resource, sys
from klantapp.cli import main
main(["search"])  # any command: the start of main() is what counts
libc = ctypes.CDLL(None)
print(resource.getrlimit(resource.RLIMIT_CORE), libc.prctl(3, 0, 0, 0, 0))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux")
def test_the_command_switches_off_core_dumps() -> None:
    result = subprocess.run(
        [sys.executable, "-c", HARDENED], capture_output=True, text=True, timeout=60
    )
    assert result.stdout.strip() == "(0, 0) 0", result.stderr  # no core file, not dumpable


# -- the entry points ----------------------------------------------------------------


def test_sub_commands_load_without_qt_and_all_are_there() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "from ui.launch import main; main(['--help'])"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    for command in ("letter", "letters", "ics", "passwd", "recover", "repair", "gui"):
        assert f"    {command} " in result.stdout, command
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from ui.launch import main\n"
            "try:\n    main(['search'])\nexcept SystemExit: pass\n"
            "print('PySide6' in sys.modules, 'ui.app' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.stdout.strip().splitlines()[-1] == "False False"


def test_the_windows_client_has_a_console_free_entry_point() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["klantapp"] == "ui.launch:main"
    assert project["gui-scripts"]["klantappw"] == "ui.launch:gui_main"


# -- a casebook made by the first release ------------------------------------------------

SAMPLE = ROOT / "tests" / "data" / "casebook-v1"
SAMPLE_PASSPHRASE = "voorbeeld wachtwoordzin 2026"


@pytest.fixture
def first_release(tmp_path: Path) -> Path:
    target = tmp_path / "oud-dossier"
    shutil.copytree(SAMPLE, target)
    os.chmod(target, 0o700)
    return target


def test_passwd_on_a_first_release_casebook_asks_for_the_office_key_once(
    first_release: Path,
) -> None:
    from klantapp.vault.recovery import public_key_of

    secret = (ROOT / "tests" / "data" / "casebook-v1.recovery-secret").read_text()
    asked = run("passwd", str(first_release), passphrase=SAMPLE_PASSPHRASE, new=NEW)
    assert asked.returncode == 2 and b"--recovery-key" in asked.stderr
    office = public_key_of(secret)
    assert office is not None
    done = run(
        "passwd",
        str(first_release),
        "--recovery-key",
        office,
        passphrase=SAMPLE_PASSPHRASE,
        new=NEW,
    )
    assert done.returncode == 0, done.stderr
    assert not (first_release / "casebook.header").exists()  # now one header per generation
    assert run("verify", str(first_release), passphrase=SAMPLE_PASSPHRASE).returncode == 3
    assert run("verify", str(first_release), passphrase=NEW).returncode == 0


def test_recover_a_first_release_casebook_with_its_secret(first_release: Path) -> None:
    secret_file = ROOT / "tests" / "data" / "casebook-v1.recovery-secret"
    result = run("recover", str(first_release), "--recovery-secret", str(secret_file), new=NEW)
    assert result.returncode == 0, result.stderr
    assert b"Yonas Tesfay" in run("search", str(first_release), "Yonas", passphrase=NEW).stdout
