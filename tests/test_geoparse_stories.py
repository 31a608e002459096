"""Short stories written for these tests: people named like places, and the places ships go.

Each story names people (or an organisation) whose names are also places, and at least one
real place that must still be found. Shipping sentences name ports, terminals, islands and
straits; each must resolve within tens of kilometres of the point given here (published
coordinates of the port or feature, rounded).
"""

from __future__ import annotations

import math

import pytest

from geomap.text import geoparse

# (story, names that are people or organisations here, places that must be found)
STORIES = [
    (
        (
            "Georgia Bennett, 34, a nurse from Leeds, said she had waited four hours. Bennett told the inquiry "
            "that the ward in Leeds was full."
        ),
        ["Georgia", "Bennett"],
        ["Leeds"],
    ),
    (
        "Coach Austin Rivers said his team would travel to Denver next week for the final.",
        ["Austin", "Rivers"],
        ["Denver"],
    ),
    (
        (
            "Jordan Henderson scored twice on Saturday. Henderson said the win mattered, and Jordan thanked "
            "the fans who had travelled from Dublin."
        ),
        ["Jordan", "Henderson"],
        ["Dublin"],
    ),
    ("Mayor Chelsea Clarkson opened the new library in Akron, Ohio, on Tuesday.", ["Chelsea"], ["Akron", "Ohio"]),
    (
        "Victoria Mendes, the company's chief executive, told investors in Lisbon that sales had grown.",
        ["Victoria"],
        ["Lisbon"],
    ),
    ("Israel Adesanya defended his title in Perth. Adesanya, 34, said he felt strong.", ["Israel"], ["Perth"]),
    ("Paris Jackson, a singer, performed two songs at a benefit concert in Nashville.", ["Paris"], ["Nashville"]),
    ("Sydney Carter, a driver from Manchester, said he never saw the cyclist.", ["Sydney"], ["Manchester"]),
    ("Florence Adeyemi, who runs a bakery in Lagos, said her costs had doubled since March.", ["Florence"], ["Lagos"]),
    ("Officials at the White House said the talks in Geneva would resume next month.", ["White House"], ["Geneva"]),
    ("Chad Wilson, a defender, joined the club from Bristol in the summer.", ["Chad"], ["Bristol"]),
    ("Kenya Moore said she would film the next season in Atlanta.", ["Kenya"], ["Atlanta"]),
    ("Devon Clarke, a spokeswoman for the council, said the roads near Exeter were closed.", ["Devon"], ["Exeter"]),
    (
        "Asked about the merger, Mr. Houston said he was hopeful that the plant in Toledo would stay open.",
        ["Houston"],
        ["Toledo"],
    ),
    (
        (
            "India Ramsey and her brother Dallas flew to Cairo to see the pyramids. Dallas Ramsey said it was "
            "the trip of a lifetime."
        ),
        ["India", "Dallas"],
        ["Cairo"],
    ),
    (
        (
            "Madison Keys beat her opponent in straight sets in Melbourne. Keys, a former finalist, said she "
            "felt at home."
        ),
        ["Madison"],
        ["Melbourne"],
    ),
    ("Lincoln Riley, the coach, said his players had trained hard in Norman all week.", ["Lincoln"], ["Norman"]),
    ("Senator Virginia Foxx visited a factory in Raleigh, North Carolina.", ["Virginia"], ["Raleigh"]),
    # surnames and given names beyond the name list: read from the shape of the name
    ("Brooklyn Beckham posted a photo from a beach in Miami on Sunday.", ["Brooklyn"], ["Miami"]),
    ("Memphis Depay scored twice in the match in Barcelona.", ["Memphis"], ["Barcelona"]),
    ("Cheyenne Brakspear told reporters in Leeds that the plant would close.", ["Cheyenne"], ["Leeds"]),
    ("Orlando Thistlewood said the council in Bristol had ignored the residents.", ["Orlando"], ["Bristol"]),
    ("Dallas Quennevaux joined the club last summer and moved to Glasgow.", ["Dallas"], ["Glasgow"]),
    ("The actor Denzel Washington spoke to students in Chicago.", ["Washington"], ["Chicago"]),
    ("Tennessee Williams wrote the play while living in New Orleans.", ["Tennessee"], ["New Orleans"]),
    ("Nevada Smith was born in Wichita and moved to Omaha.", ["Nevada"], ["Wichita", "Omaha"]),
    ("Fans cheered as singer Phoenix Okafor began her tour in Accra.", ["Phoenix"], ["Accra"]),
    ("Houston Nutt coached in Fayetteville for a decade.", ["Houston"], ["Fayetteville"]),
    ("Montgomery Clift was born in Omaha.", ["Montgomery"], ["Omaha"]),
    ("Kingston Rhodes-Okoye scored the winner in Leeds.", ["Kingston", "Rhodes"], ["Leeds"]),
]

# names beyond the list that the tests rely on being unlisted (the shape of the name decides)
UNLISTED = ["Beckham", "Depay", "Brakspear", "Thistlewood", "Quennevaux", "Clift"]


def _overlapping(mentions, text: str, name: str):
    """Mentions placed on the map that overlap any occurrence of ``name`` in ``text``."""
    spans = []
    k = text.find(name)
    while k >= 0:
        spans.append((k, k + len(name)))
        k = text.find(name, k + 1)
    return [m for m in mentions if m.place is not None and any(m.start < b and a < m.end for a, b in spans)]


def test_people_named_like_places_stay_off_the_map():
    placed, total = [], 0
    for story, people, _ in STORIES:
        ms = geoparse(story)
        for name in people:
            total += 1
            if _overlapping(ms, story, name):
                placed.append(name)
    assert total >= 16
    assert len(placed) * 16 <= total, placed  # at most 1 in 16


def test_the_unlisted_names_are_not_in_the_name_list():
    from geomap.text.tagger import _name_ranks

    assert all(rank == (65535, 65535) for rank in _name_ranks(UNLISTED))


def test_team_names_and_mountain_ranges_are_not_people():
    """A place name before a plural ("Brooklyn Nets"), another place ("Sierra Nevada") or a
    hyphenated pair of everyday words ("Star-Advertiser") stays a place."""
    text = (
        "The Brooklyn Nets lost in Phoenix. Snow in the Sierra Nevada melted early. "
        "A poll for the Honolulu Star-Advertiser was published."
    )
    assert {m.text for m in geoparse(text) if m.place is not None} >= {"Brooklyn", "Phoenix", "Nevada", "Honolulu"}


@pytest.mark.parametrize("story,people,places", STORIES, ids=[s[0][:24] for s in STORIES])
def test_the_real_places_of_the_stories_are_found(story, people, places):
    ms = geoparse(story)
    for name in places:
        assert _overlapping(ms, story, name), (name, [(m.text, m.place) for m in ms])


def _km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a)))


# (sentence, name, lat, lon)
SHIPPING = [
    ("The tanker loaded LNG at Ras Laffan before heading east.", "Ras Laffan", 25.91, 51.57),
    ("Crude from Kozmino now goes mostly to Chinese refiners.", "Kozmino", 42.73, 133.05),
    ("The refinery on Jurong Island was shut for maintenance.", "Jurong Island", 1.27, 103.70),
    ("Reliance's refinery at Sikka took the cargo.", "Sikka", 22.43, 69.83),
    ("The convoy passed through the Dardanelles on Monday.", "Dardanelles", 40.2, 26.4),
    ("Loadings at Primorsk and Ust-Luga fell in March.", "Primorsk", 60.35, 28.7),
    ("Loadings at Primorsk and Ust-Luga fell in March.", "Ust-Luga", 59.66, 28.29),
    ("A drone struck the Sheskharis terminal near Novorossiysk.", "Novorossiysk", 44.72, 37.77),
    ("Ship-to-ship transfers off Fujairah rose sharply.", "Fujairah", 25.12, 56.33),
    ("The container ship docked at Jebel Ali on Friday.", "Jebel Ali", 25.01, 55.06),
    ("Saudi Aramco's Ras Tanura terminal was attacked.", "Ras Tanura", 26.64, 50.16),
    ("Iran exports most of its crude through Kharg Island.", "Kharg Island", 29.24, 50.31),
    ("Tanker traffic through the Strait of Hormuz slowed.", "Strait of Hormuz", 26.57, 56.25),
    ("Houthi attacks near the Bab el-Mandeb forced ships around Africa.", "Bab el-Mandeb", 12.58, 43.33),
    ("Vessels waited at anchor off Port Said for the Suez Canal.", "Port Said", 31.26, 32.3),
    ("The ferry left Piraeus for the islands at dawn.", "Piraeus", 37.94, 23.64),
    ("Nayara's Vadinar terminal received a cargo of Urals.", "Vadinar", 22.47, 69.7),
    ("Kuwait loaded crude at Mina al-Ahmadi.", "Mina al-Ahmadi", 29.08, 48.14),
    ("The carrier called at Laem Chabang and Tanjung Pelepas.", "Laem Chabang", 13.08, 100.88),
    ("The carrier called at Laem Chabang and Tanjung Pelepas.", "Tanjung Pelepas", 1.36, 103.55),
    ("Gas flows from Sabine Pass resumed after the storm.", "Sabine Pass", 29.73, -93.87),
    ("Tankers idled in the Laconian Gulf awaiting orders.", "Laconian Gulf", 36.6, 22.7),
    ("The LNG carrier berthed at Milford Haven.", "Milford Haven", 51.71, -5.04),
    ("Coal exports from Richards Bay rose.", "Richards Bay", -28.78, 32.08),
    ("The tanker sailed from Walvis Bay to Luanda.", "Walvis Bay", -22.95, 14.51),
    ("Pemex's Dos Bocas refinery started up.", "Dos Bocas", 18.43, -93.19),
    ("The ship was seized in the Kerch Strait.", "Kerch Strait", 45.3, 36.5),
    ("Grain ships left Chornomorsk under the corridor deal.", "Chornomorsk", 46.3, 30.65),
    ("Exports through the Bosphorus were delayed by fog.", "Bosphorus", 41.12, 29.07),
    ("The port of Churchill, Man., shipped its first grain of the season.", "Churchill", 58.77, -94.17),
    ("The Houthis attacked a bulk carrier off Mokha in the Red Sea.", "Red Sea", 20.0, 38.5),
    ("Grain barges left Izmail and Reni on the Danube.", "Izmail", 45.35, 28.84),
    ("The tanker discharged at Mundra and Paradip.", "Paradip", 20.26, 86.67),
    ("Tankers waited at Mina al-Fahal, Oman's main oil terminal.", "Mina al-Fahal", 23.63, 58.52),
    ("Russian crude was transferred ship-to-ship off Kalamata in the Laconian Gulf.", "Kalamata", 37.04, 22.11),
    ("Iran's navy seized a tanker near Jask, east of the Strait of Hormuz.", "Jask", 25.64, 57.77),
]


@pytest.mark.parametrize("sentence,name,lat,lon", SHIPPING, ids=[s[1] for s in SHIPPING])
def test_shipping_places_resolve_within_tens_of_km(sentence, name, lat, lon):
    ms = [
        m
        for m in geoparse(sentence)
        if m.place is not None and sentence.find(name) < m.end and m.start < sentence.find(name) + len(name)
    ]
    assert ms, (name, [(m.text, m.place) for m in geoparse(sentence)])
    assert _km(ms[0].place.lat, ms[0].place.lon, lat, lon) < 60, (name, ms[0].place)


@pytest.mark.parametrize(
    "sentence,name,cc,admin1",
    [
        ("She grew up in London, Ontario.", "London", "CA", "Ontario"),
        ("The festival in Paris, Texas drew a crowd.", "Paris", "US", "Texas"),
        ("Polar bears roam near Churchill, Man. in autumn.", "Churchill", "CA", "Manitoba"),
        ("Voters in Washington state backed the measure.", "Washington state", "US", "Washington"),
        ("Upstate, New York state police closed the road.", "New York state", "US", "New York"),
    ],
)
def test_qualifiers_are_honoured(sentence, name, cc, admin1):
    (m,) = [m for m in geoparse(sentence) if m.text == name]
    assert (m.place.country, m.place.admin1) == (cc, admin1)


def test_a_two_word_port_stays_whole():
    (m,) = [m for m in geoparse("The tanker reached Milford Haven on Sunday.") if "Milford" in m.text]
    assert m.text == "Milford Haven" and m.place.country == "GB"
