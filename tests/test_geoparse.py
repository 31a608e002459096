"""Geoparsing: spans, offsets, referents and evidence on small articles written for these tests."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from geomap.errors import InputError
from geomap.text import geoparse, places

# Written for these tests; every place name and person is deliberate.
ARTICLE = (
    "Fishing boats and two oil tankers waited out the storm in Sansha Bay this week, "
    "according to port officials. Further north, freight trains again cross the bridge between "
    "Dandong, China, and Sinuiju after a pause of several months. Li Hongzhong and Sergei Shoigu "
    "watched a military parade in the capital, Pyongyang, beside Kim Jong Un, Reuters said. "
    "North Korean cargo ships have been seen in Korea Bay and in the Yellow Sea, and one of them "
    "later docked at Nampo. Zhang Jun and Wang Yajun did not comment."
)

TRUTH = {  # name -> (lat, lon)
    "Sansha Bay": (26.68, 119.72),
    "Dandong": (40.13, 124.39),
    "Sinuiju": (40.10, 124.40),
    "Pyongyang": (39.02, 125.75),
    "Nampo": (38.73, 125.40),
}
PEOPLE = ("Li Hongzhong", "Sergei Shoigu", "Kim Jong Un", "Zhang Jun", "Wang Yajun")


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(a))


@pytest.fixture(scope="module")
def mentions():
    return geoparse(ARTICLE)


def by_text(mentions, text):
    return [m for m in mentions if m.text == text]


def test_offsets_are_python_str_offsets(mentions):
    assert mentions, "no places found"
    for m in mentions:
        assert ARTICLE[m.start : m.end] == m.text
        assert m.end > m.start
    starts = [m.start for m in mentions]
    assert starts == sorted(starts)


def test_offsets_after_non_ascii_text():
    text = "Über 20 Schiffe — “quietly” — lay off Dandong."
    (m,) = [m for m in geoparse(text) if m.text == "Dandong"]
    assert (m.start, m.end) == (text.index("Dandong"), text.index("Dandong") + len("Dandong"))


def test_multi_word_names_are_one_span(mentions):
    (bay,) = by_text(mentions, "Sansha Bay")
    assert bay.start == ARTICLE.index("Sansha Bay")
    assert bay.end == bay.start + len("Sansha Bay")
    assert not [m for m in mentions if m.text in ("Sansha", "Bay")]


@pytest.mark.parametrize("name", sorted(TRUTH))
def test_places_within_25_km_of_truth(mentions, name):
    (m, *_) = by_text(mentions, name)
    assert m.place is not None, name
    lat, lon = TRUTH[name]
    assert km(m.place.lat, m.place.lon, lat, lon) <= 25, (name, m.place)


def test_qualified_name_gets_both_spans(mentions):
    (dandong,) = by_text(mentions, "Dandong")
    (china,) = by_text(mentions, "China")
    assert dandong.place.country == "CN"
    assert china.place.kind == "country" and china.place.country == "CN"
    assert china.start == ARTICLE.index("China,")


def test_qualifier_chooses_the_referent():
    maine = [m for m in geoparse("The ferry left Portland, Maine, at dawn.") if m.text == "Portland"][0]
    oregon = [m for m in geoparse("The ferry left Portland, Oregon, at dawn.") if m.text == "Portland"][0]
    assert km(maine.place.lat, maine.place.lon, 43.66, -70.26) < 25
    assert km(oregon.place.lat, oregon.place.lon, 45.52, -122.68) < 25
    assert any("qualified" in r for r in maine.reasons)


def test_demonym_is_a_toponym_of_its_country(mentions):
    (nk,) = by_text(mentions, "North Korean")
    assert nk.place.kind == "country" and nk.place.country == "KP"
    chinese = [m for m in geoparse("The ships used Chinese territorial waters.") if m.text == "Chinese"]
    assert chinese and chinese[0].place.country == "CN"


@pytest.mark.parametrize("person", PEOPLE)
def test_people_are_not_places(mentions, person):
    a = ARTICLE.index(person)
    b = a + len(person)
    assert not [m for m in mentions if m.start < b and a < m.end], person


def test_news_agency_is_not_a_place(mentions):
    assert not by_text(mentions, "Reuters")


def test_maritime_names(mentions):
    for name, kind in (("Korea Bay", "bay"), ("Yellow Sea", "sea")):
        (m,) = by_text(mentions, name)
        assert m.place.kind == kind
    ms = geoparse("Coast guard ships patrolled the Taiwan Strait, the Bohai Sea and the mouth of the Yalu River.")
    kinds = {m.text: m.place.kind for m in ms if m.place is not None}
    assert kinds.get("Taiwan Strait") == "strait"
    assert kinds.get("Bohai Sea") == "sea"
    assert kinds.get("Yalu River") == "river"


def test_evidence_and_score(mentions):
    for m in mentions:
        assert 0.0 <= m.score <= 1.0
        if m.place is not None:
            assert m.reasons
            assert m.text in m.sentence


def test_context_moves_an_ambiguous_town():
    ms = geoparse("Police in Paris, Texas, said the fire at a warehouse near Dallas was under control.")
    (paris,) = [m for m in ms if m.text == "Paris"]
    assert paris.place.country == "US" and paris.place.admin1 == "Texas"
    (paris_fr,) = [m for m in geoparse("Ministers met in Paris and Berlin on Tuesday.") if m.text == "Paris"]
    assert paris_fr.place.country == "FR"


@pytest.mark.parametrize(
    "text,name",
    [
        ("Storms over the Atlantic grew stronger as the hurricane season began.", "Atlantic"),
        ("Warships crossed the Pacific toward Guam.", "Pacific"),
        ("Officials in Iowa and Missouri said Pacific storms had not reached them.", "Pacific"),
    ],
)
def test_an_ocean_outranks_the_towns_named_after_it(text, name):
    (m,) = [m for m in geoparse(text) if m.text == name]
    assert m.place.kind == "ocean"


def test_an_ocean_qualified_as_a_town_is_the_town():
    (m,) = [m for m in geoparse("The fair in Atlantic, Iowa, drew 3,000 visitors.") if m.text == "Atlantic"]
    assert (m.place.kind, m.place.admin1) == ("city", "Iowa")


def test_a_country_named_among_its_neighbours_is_the_country():
    text = "Azerbaijan puts pressure on Georgia and prevents demining, experts in Armenia believe."
    (m,) = [m for m in geoparse(text) if m.text == "Georgia"]
    assert (m.place.kind, m.place.country) == ("country", "GE")


def test_repeated_name_gets_one_referent():
    ms = geoparse("Gainesville, Florida, opened a shelter. Later, Gainesville police closed two roads.")
    refs = {(m.place.id if m.place else None) for m in ms if m.text == "Gainesville"}
    assert len(refs) == 1


def test_deterministic(mentions):
    again = geoparse(ARTICLE)
    assert [m.as_dict() for m in again] == [m.as_dict() for m in mentions]


def test_places_geodataframe():
    gdf = places(ARTICLE)
    assert gdf.crs.to_epsg() == 4326
    for col in (
        "name",
        "gazetteer_id",
        "kind",
        "country",
        "admin1",
        "population",
        "lat",
        "lon",
        "score",
        "sentence",
        "reasons",
    ):
        assert col in gdf.columns
    assert gdf["name"].is_unique or gdf["gazetteer_id"].is_unique
    dandong = gdf[gdf["name"] == "Dandong"].iloc[0]
    assert km(dandong.geometry.y, dandong.geometry.x, 40.13, 124.39) < 25
    assert "Dandong" in dandong["sentence"]


# ---- user gazetteer --------------------------------------------------------------------


def test_user_gazetteer_adds_and_overrides(tmp_path):
    csv = tmp_path / "gaz.csv"
    csv.write_text(
        "name,lat,lon,type,country,aliases\n"
        "Harbour Nine,10.5,20.25,port,XX,H9 Quay|Pier Nine\n"
        "Dandong,41.0,125.0,city,CN,\n",
        encoding="utf-8",
    )
    ms = geoparse("Cargo moved from Harbour Nine to Pier Nine, then on to Dandong.", gazetteer=str(csv))
    got = {m.text: m for m in ms}
    assert (got["Harbour Nine"].place.lat, got["Harbour Nine"].place.lon) == (10.5, 20.25)
    assert got["Pier Nine"].place.name == "Harbour Nine"
    assert (got["Dandong"].place.lat, got["Dandong"].place.lon) == (41.0, 125.0)
    assert "user gazetteer entry" in got["Dandong"].reasons


@pytest.mark.parametrize(
    "content, expect",
    [
        ("name,lon\nX,1\n", ":1: missing column"),
        ("name,lat,lon\nGood,1,2\nBad,north,2\n", ":3: lat/lon"),
        ("name,lat,lon\nFar,95,2\n", ":2:"),
        ("name,lat,lon\n,1,2\n", ":2: empty name"),
    ],
)
def test_bad_user_gazetteer(tmp_path, content, expect):
    csv = tmp_path / "bad.csv"
    csv.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        geoparse("Ships left Dandong.", gazetteer=str(csv))
    assert str(csv) in str(err.value) and expect in str(err.value)


def test_user_gazetteer_not_utf8(tmp_path):
    csv = tmp_path / "latin1.csv"
    csv.write_bytes("name,lat,lon\nS\xe3o Tom\xe9,0.3,6.7\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        geoparse("Ships left Dandong.", gazetteer=str(csv))


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text(text):
    with pytest.raises(InputError, match="empty"):
        geoparse(text)


def test_text_must_be_str():
    with pytest.raises(InputError, match="str"):
        geoparse(b"Dandong")  # type: ignore[arg-type]


def test_public_api_names():
    import geomap
    import geomap.text.resolver  # noqa: F401  (importing the module does not hide the function)

    ms = geomap.geoparse("Trucks queued at the bridge into Sinuiju.")
    assert [m.text for m in ms] == ["Sinuiju"]
    gdf = geomap.places("Trucks queued at the bridge into Sinuiju.")
    assert list(gdf["country"]) == ["KP"]


def test_threshold_is_checked():
    with pytest.raises(InputError, match="threshold"):
        geoparse("Ships left Dandong.", threshold=1.5)


def test_a_higher_threshold_keeps_fewer_spans(mentions):
    strict = geoparse(ARTICLE, threshold=0.95)
    assert len(strict) < len(mentions)
    assert all(m.tag_prob >= 0.95 for m in strict)


def test_text_without_places():
    assert geoparse("nothing to see here, move along.") == []
    gdf = places("nothing to see here, move along.")
    assert len(gdf) == 0 and gdf.crs.to_epsg() == 4326


def _data_with(tmp_path, name: str, content: str):
    """A data folder like the shipped one, with file ``name`` replaced by ``content``."""
    from geomap.datafiles import data_path

    shipped = data_path("SOURCES.md").parent
    folder = tmp_path / "data"
    folder.mkdir()
    for p in shipped.iterdir():
        if p.is_file() and p.name != name:
            (folder / p.name).symlink_to(p)
    (folder / name).write_text(content, encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    "name,content",
    [
        ("tagger.json", '{"features": ["bias"'),  # cut short
        ("tagger.json", '{"features": ["bias"], "pairs": [], "coef": [1.0], "intercept": 0}'),  # other features
        ("ranker.json", "not json"),
        ("ranker.json", None),  # trees that point at missing nodes
    ],
)
def test_a_damaged_model_file_is_a_data_error(tmp_path, name, content):
    import subprocess
    import sys

    from geomap.text.resolver import RANK_FEATURES

    if content is None:
        content = json.dumps(
            {
                "features": list(RANK_FEATURES),
                "trees": {
                    "init": 0.0,
                    "rate": 0.1,
                    "trees": [[[0, -2, -2], [0.5, 0, 0], [1, -1, -1], [7, -1, -1], [0.0, 1.0, -1.0]]],
                },
            }
        )
    folder = _data_with(tmp_path, name, content)
    story = tmp_path / "story.txt"
    story.write_text("Ships left Dandong for Nampo.", encoding="utf-8")
    cli = Path(__file__).resolve().parents[1] / "cli.py"
    r = subprocess.run(
        [sys.executable, str(cli), "places", str(story)],
        capture_output=True,
        text=True,
        env={**os.environ, "GEOMAP_DATA_DIR": str(folder)},
    )
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert name in r.stderr and "train_geoparser.py" in r.stderr
