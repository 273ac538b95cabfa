from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from boxoffice.domain.emails import normalise_email

ASCII_LOCAL = st.text(string.ascii_letters + string.digits + ".+_-", min_size=1, max_size=20)
ASCII_DOMAIN = st.from_regex(r"[A-Za-z0-9]{1,10}(\.[A-Za-z0-9-]{1,8}){1,3}", fullmatch=True)


@given(ASCII_LOCAL, ASCII_DOMAIN)
def test_an_ascii_address_keeps_the_spelling_it_had_when_addresses_were_case_folded(
    local: str, domain: str
) -> None:
    email = f" {local}@{domain} "
    assert normalise_email(email) == email.strip().casefold()


@given(st.text(max_size=20), st.text(max_size=20))
def test_normalising_twice_changes_nothing(local: str, domain: str) -> None:
    once = normalise_email(f"{local}@{domain}")
    assert normalise_email(once) == once


def test_accents_composed_or_decomposed_are_one_spelling() -> None:
    assert normalise_email("cafe\u0301@example.com") == normalise_email("caf\u00e9@example.com")


def test_full_width_letters_are_ordinary_letters() -> None:
    assert normalise_email("\uff21da@\uff45xample.com") == "ada@example.com"


def test_an_ideographic_dot_separates_domain_labels() -> None:
    assert normalise_email("ada@example\u3002com") == "ada@example.com"


def test_a_unicode_domain_is_written_in_punycode() -> None:
    assert normalise_email("ada@B\u00fccher.example") == "ada@xn--bcher-kva.example"


def test_sharp_s_is_lower_cased_not_folded_to_ss() -> None:
    assert normalise_email("STRA\u00dfE@example.com") == "stra\u00dfe@example.com"


def test_a_domain_idna_refuses_is_left_for_validation() -> None:
    assert normalise_email("Ada@Bad_Domain.com") == "ada@bad_domain.com"
