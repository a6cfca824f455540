"""`.env.example` lists every environment variable the code reads, so that it cannot fall behind: a
variable read anywhere under src/ (through the env_* helpers or os.environ) must have a line there."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "src"
EXAMPLE = ROOT / ".env.example"

# env_str("NAME" …), env_bool('NAME' …), os.environ.get("NAME" …), os.environ["NAME"], os.getenv("NAME" …)
_READS = re.compile(
    r"""(?:\benv_(?:str|bool|int|float|list|rate)\(|\bos\.environ\.get\(|\bos\.environ\[|\bos\.getenv\()\s*["']([A-Z][A-Z0-9_]*)["']"""
)
_LISTED = re.compile(r"^([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def variables_read_in(text: str) -> set[str]:
    return set(_READS.findall(text))


def variables_read_by_the_code() -> dict[str, str]:
    """Each variable read under src/, with the first file that reads it."""
    found: dict[str, str] = {}
    for path in sorted(SOURCES.rglob("*.py")):
        for name in variables_read_in(path.read_text(encoding="utf-8")):
            found.setdefault(name, str(path.relative_to(ROOT)))
    return found


def variables_listed() -> set[str]:
    return set(_LISTED.findall(EXAMPLE.read_text(encoding="utf-8")))


def test_every_variable_the_code_reads_is_listed_in_the_env_example():
    read = variables_read_by_the_code()
    missing = {name: where for name, where in read.items() if name not in variables_listed()}
    assert missing == {}, f"add these to .env.example (variable: file that reads it): {missing}"


def test_the_known_settings_are_found_so_the_scan_itself_works():
    read = variables_read_by_the_code()
    assert {"DATABASE_URL", "SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "REGISTRY_IMPORT_CHUNK"} <= set(read)
    # Read with single quotes inside an f-string by the demo-data command.
    assert read["PORT"].endswith("demo-data.py")


def test_the_scan_recognises_every_way_of_reading_a_variable():
    code = """
        env_str("A_STR") ; env_bool('A_BOOL', default=True) ; env_int( "AN_INT", 5) ; env_list("A_LIST")
        env_rate("A_RATE", "1/h")
        os.environ.get("GOT") ; os.environ["INDEXED"] ; os.getenv('FETCHED')
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "x") ; my_env_str("NOT_A_READ")
    """
    assert variables_read_in(code) == {
        "A_STR",
        "A_BOOL",
        "AN_INT",
        "A_LIST",
        "A_RATE",
        "GOT",
        "INDEXED",
        "FETCHED",
    }


def test_every_listed_variable_has_a_comment_line_just_above_it():
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    uncommented = [
        line.split("=")[0]
        for index, line in enumerate(lines)
        if _LISTED.match(line) and not (index and lines[index - 1].startswith("#"))
    ]
    assert uncommented == []
