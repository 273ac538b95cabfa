from __future__ import annotations

import pytest

from boxoffice.control_characters import escape_controls, has_control

CONTROLS = {
    "NUL": "\x00",
    "escape": "\x1b",
    "newline": "\n",
    "delete": "\x7f",
    "C1 CSI": "\x9b",
    "line separator": "\u2028",
    "right-to-left override": "\u202e",
    "lone surrogate": "\ud800",
}


@pytest.mark.parametrize("control", CONTROLS.values(), ids=CONTROLS.keys())
def test_a_control_character_is_found(control: str) -> None:
    assert has_control(f"Ham{control}let")


def test_letters_accents_and_emoji_are_not_control_characters() -> None:
    assert not has_control("Müller · 東京 · 🎭 · عربي")


def test_an_escape_sequence_is_printed_as_text() -> None:
    assert escape_controls("\x1b[2JHamlet") == "\\x1b[2JHamlet"


def test_a_character_beyond_latin_1_is_escaped_with_four_digits() -> None:
    assert escape_controls("a\u202eb") == "a\\u202eb"
