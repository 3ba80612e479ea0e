"""Country continuity: names → codes across history, UN membership by date, successions.

Facts asserted here come from the UN (admission dates, its year-end membership counts, the codes its
Digital Library writes beside each name), never from this module's own output. Tests on the real
data read ../shared and skip without it.
"""
from __future__ import annotations

import datetime as dt
import glob
import html
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from scraper.countries import (
    UnknownCountryError,
    find_continuator,
    load_country_table,
    load_name_table,
    load_successions_table,
    members_on,
    normalise_name,
    resolve_code,
    seat_code,
)

SHARED = Path(__file__).resolve().parents[2] / "shared"
BULK = SHARED / "data" / "undl_ga_voting_1946-2025.csv.gz"
UNXML = SHARED / "data" / "unxml"
UNDL_FIXTURES = SHARED / "fixtures" / "undl"
needs_shared = pytest.mark.skipif(not BULK.exists(), reason=f"real data not found at {SHARED} (../shared)")

# A lower-case one-letter prefix ("a AUSTRALIA", "y JORDAN") marks a non-voting state's stated intention.
STATED_INTENTION_PREFIX = re.compile(r"^[a-z] ")


# --- normalisation and look-up ------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling, key",
    [
        ("CÔTE D'IVOIRE", "COTE D'IVOIRE"),
        ("COTE D\u2019IVOIRE", "COTE D'IVOIRE"),
        ("Cote d'Ivoire", "COTE D'IVOIRE"),
        ("  cote   d'ivoire ", "COTE D'IVOIRE"),
        ("TÜRKİYE", "TURKIYE"),
        ("Türkiye", "TURKIYE"),
        ("LAO PEOPLE's DEMOCRATIC REPUBLIC", "LAO PEOPLE'S DEMOCRATIC REPUBLIC"),
        ("GUINEA\u2013BISSAU", "GUINEA-BISSAU"),
    ],
)
def test_normalise_name(spelling, key):
    assert normalise_name(spelling) == key


@pytest.mark.parametrize(
    "name, date, code",
    [
        ("USSR", "1960-10-12", "SUN"),
        ("RUSSIAN FEDERATION", "1992-08-25", "RUS"),
        ("Russia", None, "RUS"),
        ("BYELORUSSIAN SSR", "1950-01-01", "BLR"),
        ("UKRAINIAN SSR", "1950-01-01", "UKR"),
        ("BURMA", "1970-01-01", "MMR"),
        ("ZAIRE", "1980-01-01", "COD"),
        ("CONGO (LEOPOLDVILLE)", "1961-01-01", "COD"),
        ("CONGO (BRAZZAVILLE)", "1961-01-01", "COG"),
        ("UPPER VOLTA", "1970-01-01", "BFA"),
        ("DAHOMEY", "1970-01-01", "BEN"),
        ("GERMAN DEMOCRATIC REPUBLIC", "1980-01-01", "DDR"),
        ("GERMANY, FEDERAL REPUBLIC OF", "1980-01-01", "DEU"),
        ("DEMOCRATIC YEMEN", "1980-01-01", "YMD"),
        ("YEMEN", "1980-01-01", "YEM"),
        ("SWAZILAND", "2000-01-01", "SWZ"),
        ("TURKEY", "2000-01-01", "TUR"),
        ("TÜRKÝYE", "2025-01-01", "TUR"),  # mis-encoded İ in 2024–25 records
        ("Türkiye", None, "TUR"),
        ("CÔTE D'IVOIRE", "2000-01-01", "CIV"),
        ("Cote d\u2019Ivoire", None, "CIV"),
        ("UNITED ARAB REPUBLIC", "1960-01-01", "EGY"),
        ("TANGANYIKA", "1962-01-01", "TZA"),
        ("ZANZIBAR", "1963-12-17", "ZZB"),
        ("CZECHOSLOVAKIA", "1980-01-01", "CSK"),
        ("YUGOSLAVIA", "1980-01-01", "YUG"),
        ("YUGOSLAVIA", "1992-04-26", "YUG"),  # the SFRY, until its dissolution
        ("YUGOSLAVIA", "1992-08-25", "SCG"),  # the FRY's votes of 1992, then its empty seat, listed non-voting to 2000
        ("YUGOSLAVIA", "2000-10-31", "SCG"),
        ("CHINA", "1971-10-25", "TWN"),  # the Republic of China held the seat until resolution 2758 (XXVI)
        ("CHINA", "1971-10-26", "CHN"),
        ("YUGOSLAVIA", "2000-11-01", "SCG"),  # FR Yugoslavia, admitted 2000-11-01 (A/RES/55/12)
        ("YUGOSLAVIA", dt.date(2002, 12, 20), "SCG"),
        ("SERBIA AND MONTENEGRO", "2004-01-01", "SCG"),
        ("AN PAKISTAN", "1952-12-21", "PAK"),
    ],
)
def test_resolve_code_across_history(name, date, code):
    assert resolve_code(name, date) == code


def test_unknown_name_raises_naming_it_and_the_table():
    with pytest.raises(UnknownCountryError, match="ATLANTIS") as info:
        resolve_code("ATLANTIS", "1990-01-01")
    assert "1990-01-01" in str(info.value)
    assert "scraper/data/country_names.csv" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_name_meaning_two_states_needs_a_date():
    with pytest.raises(UnknownCountryError, match="YUGOSLAVIA.*give a date"):
        resolve_code("YUGOSLAVIA")


def test_name_outside_its_dates_raises():
    with pytest.raises(UnknownCountryError, match="AN PAKISTAN.*1960-01-01"):
        resolve_code("AN PAKISTAN", "1960-01-01")


def test_bad_date_is_a_clear_error():
    with pytest.raises(ValueError, match="not an ISO date"):
        resolve_code("FRANCE", "21/12/1952")


# --- the tables ------------------------------------------------------------------------------


def test_country_table_is_well_formed():
    countries = load_country_table()
    assert list(countries.columns) == ["country_code", "name", "admitted", "left", "un_m49"]
    assert countries["country_code"].is_unique
    assert countries["country_code"].str.fullmatch(r"[A-Z]{3}").all()
    assert countries["admitted"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    left = countries.loc[countries["left"] != ""]
    assert (left["left"] > left["admitted"]).all()
    assert set(left["country_code"]) == {"SUN", "CSK", "YUG", "SCG", "DDR", "YMD", "ZZB", "TWN"}
    # Zanzibar (a member 1963-12-16 to 1964-04-26) never had an ISO or M49 code.
    assert set(countries.loc[countries["un_m49"] == "", "country_code"]) == {"ZZB"}
    assert countries["un_m49"].str.fullmatch(r"(\d{3})?").all()
    assert countries["un_m49"].replace("", pd.NA).dropna().is_unique


def test_every_code_in_names_and_successions_is_a_country():
    codes = set(load_country_table()["country_code"])
    assert set(load_name_table()["country_code"]) <= codes
    successions = load_successions_table()
    assert set(successions["predecessor_code"]) | set(successions["successor_code"]) <= codes


def test_successions_have_one_continuator_each():
    successions = load_successions_table()
    assert set(successions["kind"]) <= {"dissolution", "merger", "absorption"}
    continuators = successions.loc[successions["continuator"] == 1]
    assert continuators["predecessor_code"].is_unique
    # Only successors that continue the predecessor's seat; Germany, Yemen and Tanzania continue the
    # FRG's, North Yemen's and Tanganyika's own seats, which sat beside the GDR's, South Yemen's, Zanzibar's.
    assert dict(zip(continuators["predecessor_code"], continuators["successor_code"])) == {
        "SUN": "RUS", "CSK": "CZE", "YUG": "SCG", "SCG": "SRB",
    }
    not_continued = successions.loc[successions["continuator"] == 0].groupby("predecessor_code")["successor_code"].apply(set)
    assert {"DDR": {"DEU"}, "YMD": {"YEM"}, "ZZB": {"TZA"}}.items() <= not_continued.to_dict().items()


def test_every_predecessor_has_left_the_un():
    countries = load_country_table().set_index("country_code")
    for predecessor in load_successions_table()["predecessor_code"].unique():
        assert countries.at[predecessor, "left"] != "", predecessor


@pytest.mark.parametrize("code, continuator", [("SUN", "RUS"), ("YUG", "SRB"), ("CSK", "CZE"), ("SVK", "SVK"), ("FRA", "FRA")])
def test_find_continuator(code, continuator):
    assert find_continuator(code) == continuator


def test_find_continuator_rejects_unknown_code():
    with pytest.raises(ValueError, match="XYZ"):
        find_continuator("XYZ")


# --- membership by date ----------------------------------------------------------------------

# The UN's own year-end membership counts ("Growth in United Nations membership").
UN_MEMBERS_AT_YEAR_END = {
    1945: 51, 1946: 55, 1947: 57, 1948: 58, 1949: 59, 1950: 60, 1955: 76, 1956: 80, 1957: 82,
    1961: 104, 1962: 110, 1963: 113, 1964: 115, 1966: 122, 1967: 123, 1968: 126, 1970: 127,
    1971: 132, 1973: 135, 1974: 138, 1975: 144, 1976: 147, 1977: 149, 1978: 151, 1979: 152,
    1980: 154, 1981: 157, 1983: 158, 1984: 159, 1990: 159, 1991: 166, 1992: 179, 1993: 184,
    1994: 185, 1999: 188, 2000: 189, 2002: 191, 2006: 192, 2011: 193,
}


@pytest.mark.parametrize("year, count", sorted(UN_MEMBERS_AT_YEAR_END.items()))
def test_members_on_matches_un_year_end_counts(year, count):
    assert len(members_on(f"{year}-12-31")) == count


@pytest.mark.parametrize("year, un_count", [(1958, 82), (1959, 82), (1960, 99), (1965, 117)])
def test_members_on_counts_syria_and_indonesia_through_their_gaps(year, un_count):
    # Documented: one membership period per state, so Syria (inside the United Arab Republic
    # 1958-02-21 to 1961-10-12) and Indonesia (withdrawn 1965-01-20 to 1966-09-27) stay counted.
    assert len(members_on(f"{year}-12-31")) == un_count + 1


def test_193_members_today():
    assert len(members_on("2026-06-01")) == 193
    assert members_on(dt.date(2026, 6, 1)) == members_on("2026-06-01")


def test_members_on_around_successions():
    assert "SUN" in members_on("1991-12-20") and "RUS" not in members_on("1991-12-20")
    assert "RUS" in members_on("1992-01-01") and "SUN" not in members_on("1992-01-01")
    assert {"DDR", "DEU"} <= members_on("1990-10-02")
    assert "DDR" not in members_on("1990-10-03")
    assert "YMD" in members_on("1990-05-21") and "YMD" not in members_on("1990-05-22")
    assert "ZZB" in members_on("1964-01-01") and "ZZB" not in members_on("1964-04-26")
    assert "YUG" in members_on("1992-04-26") and "SCG" not in members_on("1992-04-26")
    assert "SCG" in members_on("1992-04-27") and "YUG" not in members_on("1992-04-27")  # the FRY held the seat
    assert "TWN" in members_on("1971-10-25") and "CHN" not in members_on("1971-10-25")
    assert "CHN" in members_on("1971-10-26") and "TWN" not in members_on("1971-10-26")
    assert {"SRB", "MNE"} <= members_on("2006-07-01") and "SCG" not in members_on("2006-07-01")


# --- every name the real sources use --------------------------------------------------------


@pytest.fixture(scope="module")
def bulk_votes() -> pd.DataFrame:
    """One row per (vote, member) of the bulk file with the resolved code: undl_id, date, ms_code, name, vote, code."""
    if not BULK.exists():
        pytest.skip(f"real data not found at {SHARED} (../shared)")
    frame = pd.read_csv(
        BULK, usecols=["undl_id", "ms_code", "ms_name", "ms_vote", "date"], dtype=str, keep_default_na=False
    )
    frame["name"] = frame["ms_name"].str.replace(STATED_INTENTION_PREFIX, "", regex=True)
    pairs = frame[["name", "date"]].drop_duplicates()
    pairs["code"] = [resolve_code(name, date) for name, date in zip(pairs["name"], pairs["date"])]
    return frame.merge(pairs, on=["name", "date"], how="left")


@needs_shared
def test_every_bulk_name_resolves_and_agrees_with_the_library_code(bulk_votes):
    assert bulk_votes["code"].notna().all()
    coded = bulk_votes.loc[bulk_votes["ms_code"] != ""]
    # The Library's CHN before 26 Oct 1971 is the Republic of China's seat: researchers' TWN (seat_codes.csv).
    recoded = pd.Series([seat_code(c, d) for c, d in zip(coded["ms_code"], coded["date"])], index=coded.index)
    assert set(coded.loc[recoded != coded["ms_code"], "ms_code"]) == {"CHN"}
    disagree = coded.loc[recoded != coded["code"], ["ms_name", "date", "ms_code", "code"]]
    assert disagree.empty, disagree.drop_duplicates("ms_name").to_string()
    assert not bulk_votes.duplicated(["undl_id", "code"]).any()


# Records of the Library that list a state as non-voting before its admission (all `X`).
LISTED_BEFORE_ADMISSION = {
    ("JPN", "669305"), ("JPN", "669311"), ("JPN", "669329"), ("JPN", "669331"), ("JPN", "669335"),
    ("JPN", "669340"), ("JPN", "669343"),  # Japan admitted 1956-12-18; records of 1956-11-21..12-04
    ("MNG", "663140"),  # Mongolia admitted 1961-10-27; record of 1961-10-23
    ("ARE", "654312"),  # United Arab Emirates admitted 1971-12-09; record of 1971-10-07
    ("WSM", "649325"),  # Samoa admitted 1976-12-15; record of 1976-12-01
    ("DMA", "637953"), ("DMA", "637954"), ("DMA", "637960"), ("DMA", "637965"), ("DMA", "637968"),
    ("DMA", "638758"),  # Dominica admitted 1978-12-18; records of 1978-11-03..12-14
}
# Members absent from every vote list over a period.
ABSENT_MEMBERS = {
    "IDN": ("1965-01-20", "1966-09-27"),  # Indonesia's withdrawal, ended by A/PV.1420 (1966-09-28)
    "SYR": ("1958-02-21", "1961-10-12"),  # Syria inside the United Arab Republic (coded EGY)
}


@needs_shared
def test_every_bulk_vote_lists_exactly_the_members_of_its_day(bulk_votes):
    admitted = dict(zip(load_country_table()["country_code"], load_country_table()["admitted"]))
    extra, unexplained_absent = set(), []
    for (undl_id, date), vote in bulk_votes.groupby(["undl_id", "date"], sort=False):
        listed, members = set(vote["code"]), members_on(date)
        extra |= {(code, undl_id) for code in listed - members}
        for code in members - listed:
            if admitted[code] == date:  # voted before the admission resolution of the same meeting day
                continue
            start, end = ABSENT_MEMBERS.get(code, ("", ""))
            if not start <= date <= end:
                unexplained_absent.append((code, undl_id, date))
    assert extra == LISTED_BEFORE_ADMISSION
    assert unexplained_absent == []
    listed_early = bulk_votes.set_index(["code", "undl_id"]).loc[sorted(LISTED_BEFORE_ADMISSION), "ms_vote"]
    assert (listed_early == "X").all()


@needs_shared
def test_south_africa_1974_1994_stays_a_member_listed_non_voting(bulk_votes):
    # Its credentials were rejected (A/PV.2281, 1974-11-12); it stayed a member and is listed `X`.
    rows = bulk_votes.loc[(bulk_votes["code"] == "ZAF") & bulk_votes["date"].between("1974-11-12", "1993-12-31")]
    assert len(rows) > 2000 and set(rows["ms_vote"]) == {"X"}


@needs_shared
def test_yugoslavia_votes_until_1992_then_sits_empty_until_fr_yugoslavia_is_admitted(bulk_votes):
    rows = bulk_votes.loc[bulk_votes["ms_name"] == "YUGOSLAVIA"]
    assert set(rows.loc[rows["date"] < "1992-04-27", "code"]) == {"YUG"}
    fry_1992 = rows.loc[rows["date"].between("1992-04-27", "1992-09-30")]
    assert set(fry_1992["code"]) == {"SCG"} and set(fry_1992["ms_vote"]) == {"N"}  # the FRY's own votes
    empty_seat = rows.loc[rows["date"].between("1992-10-01", "2000-10-31")]
    assert set(empty_seat["ms_vote"]) == {"X"} and set(empty_seat["code"]) == {"SCG"}
    after = rows.loc[rows["date"] >= "2000-11-01"]
    assert set(after["code"]) == {"SCG"} and "Y" in set(after["ms_vote"])
    assert rows["date"].max() < "2003-02-04"  # renamed Serbia and Montenegro that day


@needs_shared
def test_an_pakistan_is_pakistan(bulk_votes):
    vote = bulk_votes.loc[bulk_votes["undl_id"] == bulk_votes.loc[bulk_votes["ms_name"] == "AN PAKISTAN", "undl_id"].iloc[0]]
    assert "PAKISTAN" not in set(vote["ms_name"])
    assert set(vote["code"]) == members_on("1952-12-21")


@needs_shared
def test_the_last_bulk_vote_lists_todays_193_members(bulk_votes):
    last = bulk_votes.loc[bulk_votes["date"] == bulk_votes["date"].max()]
    assert set(last["code"]) == members_on("2026-06-01")


def _iso_date(text: str) -> str:
    """The extracts write "7 December 2022" (sometimes with a no-break space) or "2019-11-07 00:00:00"."""
    text = " ".join(text.split())
    if re.match(r"\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    return dt.datetime.strptime(text, "%d %B %Y").date().isoformat()


def _unxml_votes() -> list[tuple[str, str, str]]:
    """(symbol, ISO date, name) for every state listed in favour, against or abstaining in the UN's extracts."""
    out = []
    for path in sorted(glob.glob(str(UNXML / "*.json"))):
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            names = [n for key in ("MS_in_favour", "MS_against", "MS_abstaining") for n in record.get(key) or []]
            if names:
                out += [(record["symbol"], _iso_date(record["adoption_date"]), name) for name in names]
    return out


@needs_shared
def test_every_unxml_name_resolves_to_a_member_of_its_day():
    votes = _unxml_votes()
    assert len({name for _, _, name in votes}) > 190
    for symbol, date, name in votes:
        assert resolve_code(name, date) in members_on(date), (symbol, date, name)


@needs_shared
def test_undl_page_names_resolve_to_the_library_codes():
    xml = (UNDL_FIXTURES / "record_4040686.marcxml.xml").read_text(encoding="utf-8")
    members = re.findall(r'<datafield tag="967".*?</datafield>', xml, flags=re.S)
    pairs = [(re.search(r'code="c">([^<]*)<', m).group(1), re.search(r'code="e">([^<]*)<', m).group(1)) for m in members]
    assert len(pairs) == 193
    assert all(resolve_code(name, "2024-03-15") == code for code, name in pairs)
    assert {code for code, _ in pairs} == members_on("2024-03-15")  # A/RES/78/264 of 2024-03-15, 193 members
    page = (UNDL_FIXTURES / "record_4031242.html").read_text(encoding="utf-8")
    vote_field = next(line for line in page.splitlines() if "AFGHANISTAN<br/>" in line)
    lines = vote_field.split("md-10'>", 1)[1].split("</span>")[0].split("<br/>")
    names = [re.sub(r"^\s*[YNA]?\s", "", html.unescape(line)).strip() for line in lines]
    assert {resolve_code(name, "2023-12-19") for name in names} == members_on("2023-12-19")
