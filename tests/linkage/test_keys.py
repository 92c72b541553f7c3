"""Linkage keys: normalised names, phonetic codes, keyed hashes, fingerprints."""

import re
from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from flexwatch.linkage.keys import (
    KINDS,
    Identity,
    fingerprint,
    linkage_keys,
    normalised_tokens,
    phonetic,
)

SECRET = "0123456789abcdef" * 4
OTHER_SECRET = "fedcba9876543210" * 4
HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def digests(identity: Identity, kind: str, secret: str = SECRET) -> set[str]:
    return {key.digest for key in linkage_keys(secret, identity) if key.kind == kind}


# Names


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        ("Mäkinen-Jõgi, Łukasz", ["makinen", "jogi", "lukasz"]),
        ("STRAẞE", ["strasse"]),
        ("Ｊａｎ  K. Nowak", ["jan", "nowak"]),  # noqa: RUF001
        ("Олександр Шевченко", ["oleksandr", "shevchenko"]),
        ("Nguyễn Văn Đức", ["nguyen", "van", "duc"]),
        ("O’Brien", ["obrien"]),  # noqa: RUF001
        ("Мар'яна", ["maryana"]),  # noqa: RUF001
        ("Juan dela Cruz", ["juan", "dela", "cruz"]),
        ("  -- . ", []),
        ("", []),
    ],
)
def test_a_name_is_folded_into_ascii_tokens(name, tokens):
    assert normalised_tokens(name) == tokens


@pytest.mark.parametrize(
    "spellings",
    [
        ["Mäkinen", "Makinen", "Mäkkinen"],
        ["Wójcik", "Wojcik", "Voitsik", "Wujcik"],
        ["Jõgi", "Jogi", "Jõggi"],
        ["Oleksandr", "Aleksandr", "Olexandr", "Олександр"],
        ["Nguyen", "Nguyễn", "Нгуєн"],
        ["Shevchenko", "Szewczenko", "Ševčenko", "Ševtšenko", "Шевченко"],
        ["Olha", "Olga", "Ольга"],
        ["Yevhen", "Ievgen", "Jewhen", "Євген"],
        ["Andrii", "Andriy", "Andrij", "Андрій"],
        ["Hryhorii", "Grigoriy", "Григорій"],
        ["Wiśniewski", "Vyshnevskyi"],
        ["Mariana", "Maryana", "Мар'яна"],  # noqa: RUF001
        ["Shrestha", "Srestha", "Shresta"],
        ["Boyko", "Boiko", "Бойко"],
    ],
)
def test_spelling_variants_of_a_name_share_a_phonetic_code(spellings):
    codes = {name: phonetic(normalised_tokens(name)[0]) for name in spellings}

    assert len(set(codes.values())) == 1, codes


# Common surnames and first names of the countries the keys serve.
_NAMES = """
Virtanen Korhonen Nieminen Mäkinen Hämäläinen Laine Koskinen Heikkinen Järvinen
Lehtonen Mikkonen Makkonen Lehtinen Saarinen Salminen Heinonen Niemi Heikkilä
Kinnunen Salonen Turunen Salo Laitinen Tuominen Rantanen Karjalainen Jokinen Tamm
Saar Sepp Mägi Kask Kukk Rebane Ilves Pärn Koppel Ots Mets Lepik Vaher Kallas Nowak
Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański
Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Melnyk
Shevchenko Boyko Kovalenko Bondarenko Tkachenko Kravchenko Oliynyk Shevchuk Koval
Polishchuk Bondar Tkachuk Moroz Marchenko Lysenko Rudenko Savchenko Petrenko Nguyen
Tran Le Pham Hoang Huynh Phan Vu Dang Bui Do Ho Ngo Duong Shrestha Gurung Tamang
Thapa Rai Magar Karki Adhikari Khadka Basnet Bhandari Poudel Santos Reyes Cruz
Bautista Ocampo Garcia Mendoza Torres Castillo Flores Villanueva Olena Oksana Iryna
Natalia Tetiana Svitlana Oleksandr Serhii Dmytro Mykola Ivan Mikko Juha Jukka Timo
Matti Antti Pekka Tiina Kaisa Päivi Hanna Minna Laura Piotr Krzysztof Tomasz Paweł
Michał Marcin Agnieszka Katarzyna Małgorzata Joanna
"""
COMMON_NAMES = _NAMES.split()


def test_different_names_mostly_get_different_codes():
    codes = {phonetic(normalised_tokens(name)[0]) for name in COMMON_NAMES}

    assert len(codes) >= 0.97 * len(COMMON_NAMES)


@pytest.mark.parametrize(
    "names",
    [
        ["Mäkinen", "Mikkonen", "Makkonen"],
        ["Heinonen", "Kinnunen"],
        ["Juha", "Jukka"],
        ["Kowalski", "Kowalska"],
    ],
)
def test_names_that_differ_in_sound_keep_different_codes(names):
    codes = [phonetic(normalised_tokens(name)[0]) for name in names]

    assert len(set(codes)) == len(names), codes


def test_a_token_without_letters_has_no_phonetic_code():
    assert phonetic("2024") == ""


# Keys


PERSON = Identity(full_name="Olena Testova-Wójcik", birth_date=date(1989, 5, 2))


def test_a_person_gets_every_kind_of_key_once_per_value():
    made = linkage_keys(SECRET, PERSON)
    kinds = [key.kind for key in made]

    assert kinds.count("full_name") == 1
    assert kinds.count("name_token") == 3
    assert kinds.count("name_phonetic") == 3
    assert {"birth_date", "birth_year", "birth_year_month", "birth_month_day"} <= set(
        kinds
    )
    assert all(HEX_DIGEST.fullmatch(key.digest) for key in made)
    assert made == sorted(made, key=lambda key: (KINDS.index(key.kind), key.digest))


def test_an_identity_with_nothing_gives_no_keys():
    assert linkage_keys(SECRET, Identity()) == []
    assert linkage_keys(SECRET, Identity(full_name="K. -")) == []


def test_a_date_alone_gives_date_keys_only():
    made = linkage_keys(SECRET, Identity(birth_date=date(2001, 12, 31)))

    assert {key.kind for key in made} == {
        "birth_date",
        "birth_year",
        "birth_year_month",
        "birth_month_day",
    }


def test_swapped_names_share_the_full_name_key():
    whole = Identity(full_name="Nguyen Van An")
    parts = Identity(given_names="An", family_name="Nguyen Van")

    assert digests(whole, "full_name") == digests(parts, "full_name")


def test_a_full_name_column_is_read_instead_of_the_parts():
    both = Identity(full_name="Jan Nowak", given_names="Piotr", family_name="Nowak")

    assert digests(both, "full_name") == digests(
        Identity(full_name="Jan Nowak"), "full_name"
    )


def test_a_variant_spelling_links_by_phonetic_code_only():
    first = Identity(full_name="Voitsik")
    second = Identity(full_name="Wójcik")

    assert digests(first, "name_phonetic") == digests(second, "name_phonetic")
    assert not digests(first, "name_token") & digests(second, "name_token")


def test_a_wrong_year_of_birth_still_links_on_the_day():
    first = Identity(birth_date=date(1989, 5, 2))
    second = Identity(birth_date=date(1998, 5, 2))

    assert digests(first, "birth_month_day") == digests(second, "birth_month_day")
    assert digests(first, "birth_date") != digests(second, "birth_date")
    assert digests(first, "birth_year") != digests(second, "birth_year")


def test_the_same_value_of_two_kinds_gives_two_digests():
    made = linkage_keys(SECRET, Identity(full_name="1989", birth_date=date(1989, 1, 1)))
    by_kind = {key.kind: key.digest for key in made}

    assert by_kind["name_token"] != by_kind["birth_year"]


def test_an_empty_secret_is_refused():
    with pytest.raises(ValueError, match="secret"):
        linkage_keys("", PERSON)


def test_an_identity_shows_no_value_when_printed():
    shown = repr(PERSON) + str(PERSON)

    assert "Olena" not in shown
    assert "1989" not in shown


# Fingerprints


def test_a_fingerprint_is_four_groups_of_hex_and_tells_secrets_apart():
    code = fingerprint(SECRET)

    assert re.fullmatch(r"[0-9A-F]{4}(-[0-9A-F]{4}){3}", code)
    assert fingerprint(SECRET) == code
    assert fingerprint(OTHER_SECRET) != code
    assert fingerprint(SECRET) != fingerprint(SECRET + "x")


# Properties


name_words = st.lists(
    st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=1, max_size=10),
    min_size=1,
    max_size=5,
)
secrets_text = st.text(alphabet="0123456789abcdefghijk", min_size=32, max_size=64)


@given(words=name_words, data=st.data())
def test_the_order_of_the_names_never_changes_the_full_name_key(words, data):
    shuffled = data.draw(st.permutations(words))

    assert digests(Identity(full_name=" ".join(words)), "full_name") == digests(
        Identity(full_name=" ".join(shuffled)), "full_name"
    )


@given(
    words=name_words,
    born=st.none() | st.dates(),
    first=secrets_text,
    second=secrets_text,
)
def test_keys_under_two_secrets_never_collide(words, born, first, second):
    assume(first != second)
    identity = Identity(full_name=" ".join(words), birth_date=born)

    under_first = {key.digest for key in linkage_keys(first, identity)}
    under_second = {key.digest for key in linkage_keys(second, identity)}

    assert not under_first & under_second


@given(words=name_words, born=st.none() | st.dates())
def test_the_keys_never_contain_a_name(words, born):
    identity = Identity(full_name=" ".join(words), birth_date=born)

    made = linkage_keys(SECRET, identity)

    assert all(key.kind in KINDS and HEX_DIGEST.fullmatch(key.digest) for key in made)
    # A token of hex letters only ("abe", "dec") may occur in a random digest
    # by chance; any other token of three letters or more never may.
    tokens = {w.casefold() for w in words} | set(normalised_tokens(" ".join(words)))
    for token in tokens:
        if len(token) >= 3 and not set(token) <= set("0123456789abcdef"):
            assert all(token not in key.digest for key in made)
