"""A synthetic news corpus for benchmarks: articles about trade, energy,
defence and infrastructure ties between countries, written from the
project's own sentence templates.

The world the articles describe (countries, firms, people, projects,
products, events) is fixed; ``generate(n_docs, seed)`` draws articles about
it. A few hub entities (``HUB_COUNTRIES``, ``HUB_FIRMS``) appear in a large
share of the articles, most others in few. The names of invented firms,
people and places are made up; a handful of real firms and international
organisations are mixed in so that the gazetteer also has work to do."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

__all__ = ["generate", "HUB_COUNTRIES", "HUB_FIRMS", "TEMPLATES"]

# --- the world --------------------------------------------------------------------

# (name, adjective, capital, another city)
_COUNTRIES = [
    ("South Korea", "South Korean", "Seoul", "Busan"),
    ("Türkiye", "Turkish", "Ankara", "Istanbul"),
    ("Poland", "Polish", "Warsaw", "Gdansk"),
    ("Egypt", "Egyptian", "Cairo", "Alexandria"),
    ("Indonesia", "Indonesian", "Jakarta", "Surabaya"),
    ("United Arab Emirates", "Emirati", "Abu Dhabi", "Dubai"),
    ("Saudi Arabia", "Saudi", "Riyadh", "Jeddah"),
    ("Czechia", "Czech", "Prague", "Brno"),
    ("Romania", "Romanian", "Bucharest", "Constanta"),
    ("Kazakhstan", "Kazakh", "Astana", "Almaty"),
    ("Uzbekistan", "Uzbek", "Tashkent", "Samarkand"),
    ("Azerbaijan", "Azerbaijani", "Baku", "Ganja"),
    ("Vietnam", "Vietnamese", "Hanoi", "Da Nang"),
    ("Philippines", "Philippine", "Manila", "Cebu"),
    ("Malaysia", "Malaysian", "Kuala Lumpur", "Penang"),
    ("Thailand", "Thai", "Bangkok", "Chiang Mai"),
    ("India", "Indian", "New Delhi", "Mumbai"),
    ("Pakistan", "Pakistani", "Islamabad", "Karachi"),
    ("Japan", "Japanese", "Tokyo", "Osaka"),
    ("China", "Chinese", "Beijing", "Shanghai"),
    ("Australia", "Australian", "Canberra", "Sydney"),
    ("Canada", "Canadian", "Ottawa", "Toronto"),
    ("United States", "American", "Washington", "Houston"),
    ("United Kingdom", "British", "London", "Manchester"),
    ("France", "French", "Paris", "Lyon"),
    ("Germany", "German", "Berlin", "Hamburg"),
    ("Italy", "Italian", "Rome", "Milan"),
    ("Spain", "Spanish", "Madrid", "Barcelona"),
    ("Netherlands", "Dutch", "Amsterdam", "Rotterdam"),
    ("Norway", "Norwegian", "Oslo", "Bergen"),
    ("Sweden", "Swedish", "Stockholm", "Gothenburg"),
    ("Finland", "Finnish", "Helsinki", "Tampere"),
    ("Hungary", "Hungarian", "Budapest", "Debrecen"),
    ("Greece", "Greek", "Athens", "Thessaloniki"),
    ("Qatar", "Qatari", "Doha", "Al Khor"),
    ("Nigeria", "Nigerian", "Abuja", "Lagos"),
    ("Kenya", "Kenyan", "Nairobi", "Mombasa"),
    ("South Africa", "South African", "Pretoria", "Durban"),
    ("Brazil", "Brazilian", "Brasilia", "Sao Paulo"),
    ("Mexico", "Mexican", "Mexico City", "Monterrey"),
    ("Chile", "Chilean", "Santiago", "Valparaiso"),
    ("Ukraine", "Ukrainian", "Kyiv", "Odesa"),
    ("Morocco", "Moroccan", "Rabat", "Casablanca"),
]

_FIRM_ROOTS = (
    "Aldmere Arvona Baltrex Belkara Brenmoor Calvira Carrowen Corvanta Dalmor Darovia Elstrand Ermina Eskilon "
    "Falkor Fenwater Galvora Garrick Halvik Hestora Ilvana Istrel Jorvane Kaledon Karavel Kestral Korvel Lumora "
    "Lindqvar Marvesta Meridane Mirella Nordane Novarra Obrava Ostmark Pellaro Pyrenta Quorvan Ravelle Redmark "
    "Rosvard Saltrea Sarnova Seldane Solvane Tarvik Teloria Torvalla Ulmara Valtera Varnel Vestrana Vireon "
    "Wexmoor Zelvan Zentara Anatex Bosphora Kapadon Hanseong Daemyung Gwangjin Sinhwa Taerim Yeonsu Buyeong "
    "Yildizer Egemen Demirkol Ozsoyak Karatepe Altinova"
).split()
_FIRM_SUFFIXES = (
    "Holding",
    "Industries",
    "E&C",
    "Aerospace",
    "Bank",
    "Inc.",
    "Heavy Industries",
    "Group",
    "Systems",
    "Electronics",
    "Construction",
    "Engineering",
    "Steel",
    "Shipbuilding",
    "Motors",
    "Capital",
    "Technologies",
    "Chemicals",
    "Energy Inc.",
    "Securities",
)
_BANK_SUFFIXES = ("Bank", "Capital", "Securities")
# Real firms the gazetteer knows, with their home country.
_REAL_FIRMS = [
    ("Hanwha Aerospace", "South Korea"),
    ("Hyundai Rotem", "South Korea"),
    ("KEPCO", "South Korea"),
    ("Samsung C&T", "South Korea"),
    ("Doosan Enerbility", "South Korea"),
    ("Hyundai E&C", "South Korea"),
    ("Korea Aerospace Industries", "South Korea"),
    ("Aselsan", "Türkiye"),
    ("Roketsan", "Türkiye"),
    ("Turkish Aerospace", "Türkiye"),
    ("Baykar", "Türkiye"),
    ("Limak", "Türkiye"),
    ("Kalyon", "Türkiye"),
    ("Enka", "Türkiye"),
    ("Siemens", "Germany"),
    ("Airbus", "France"),
    ("Thales", "France"),
    ("Westinghouse Electric Company", "United States"),
    ("Rolls-Royce", "United Kingdom"),
    ("Boeing", "United States"),
]
HUB_COUNTRIES = ("South Korea", "Türkiye")
HUB_FIRMS = ("Hanwha Aerospace", "Meridane Heavy Industries", "Anatex Holding")

_FIRST = (
    "Aylin Baran Cem Defne Emre Selin Tarik Jae-won Ha-eun Min-seo Do-hyun Seo-yeon Anna Marek Katarzyna Tomasz "
    "Laila Omar Youssef Nadia Arif Dewi Budi Sofia Lukas Petra Jonas Elena Matteo Ingrid Henrik Aino Mikael Priya "
    "Arjun Haruto Yui Wei Daniel Grace Oliver Camille Luis Ana Kwame Amara Zarina Timur Aliya Farid"
).split()
_LAST = (
    "Adler Castellano Dunmore Ekstrom Farkas Galindo Hartwell Ivanescu Jansen Kowalczyk Lindgren Moreau Novak "
    "Okafor Petrescu Quintero Rahimov Santoro Urquhart Valdez Wexler Yilmazer Zielinski Seong Kang Yoon Baek "
    "Gwon Jeon Namgung Ozkaya Tekinalp Aydemir Korkmazer Sahinler Karaman Arslaner Haddad Mansouri Rahmani "
    "Wijaya Santoso Pratama Nguyen Reyes Mendoza Bauer Richter Fischbach Takeda Morimoto Delacroix Brannigan"
).split()
_PORTFOLIOS = [
    ("Defence Minister", "National Defence"),
    ("Energy Minister", "Energy"),
    ("Trade Minister", "Trade"),
    ("Foreign Minister", "Foreign Affairs"),
]

_PLACE_WORDS = (
    "Ardena Belmos Cavra Dornik Eldavik Ferros Gelmar Hollin Iskara Jaspar Karabel Lodova Marrin Nesvik Orlena "
    "Pashta Querro Rivana Selvik Tamarin Urbosa Velika Wendmoor Yaretsk Zoldana Akcaova Sarikum Dunvale Kessel "
    "Hallstad Mirova Tolvan Besra Ondara Peltra Ravenna Sotira Vardel Kolvik Ismara"
).split()
_PROJECT_KINDS = (
    "Nuclear Power Plant",
    "Bridge",
    "Tunnel",
    "Port",
    "Airport",
    "Railway",
    "Pipeline",
    "Dam",
    "Refinery",
    "Solar Power Plant",
    "Metro",
    "Highway",
)
_CODENAMES = "Kestrel Bozkurt Hwarang Vanguard Polaris Tulpar Sentinel Albatross Karakurt Haneul Meridian Atlas".split()
# The long tail: every article also names a firm, its chief and a project of its own,
# as news keeps naming newcomers; names are built from these syllables.
_ONSETS = (
    "Al Bar Cal Dor El Fen Gar Hal Is Jor Kal Lor Mar Nor Or Pel Quor Ral Sel Tor Ul Val Wes Yar Zel Bren "
    "Cor Dal Fal Kes Mir Ost Rav Sar Tel Var Ves Zan Ark Bel"
).split()
_VOWELS = "a e i o u ar en is or an el".split()
_CODAS = (
    "mere vona trex kara moor vira wen vanta mor dovia strand mina kilon kor water vora rick vik stora vana "
    "strel vane don tral mora qvar vesta dane nor"
).split()
_SURNAME_ENDS = ("son", "er", "ov", "ez", "ski", "oglu", "berg")
_PRODUCT_HEADS = (
    "howitzer",
    "reactor",
    "drone",
    "radar",
    "frigate",
    "trainer",
    "helicopter",
    "missile",
    "locomotive",
    "tank",
    "satellite",
    "corvette",
    "submarine",
)
_EVENT_THEMES = (
    "Eurasia Energy Summit",
    "Black Sea Security Forum",
    "Global Infrastructure Summit",
    "Asia Defence Industry Exhibition",
    "International Nuclear Industry Conference",
    "Clean Hydrogen Forum",
    "Smart Mobility Expo",
    "Maritime Industry Summit",
    "Silk Road Investment Forum",
    "Central Asia Connectivity Summit",
    "Aerospace Industry Conference",
    "Gulf Construction Expo",
    "Digital Trade Forum",
    "Critical Minerals Summit",
)
_ORGS = (
    "the World Bank",
    "NATO",
    "the European Union",
    "the International Atomic Energy Agency",
    "the OECD",
    "the International Energy Agency",
    "the European Investment Bank",
    "the World Trade Organization",
    "the United Nations",
    "the Asian Development Bank",
)
_MOU_TOPICS = (
    "energy",
    "nuclear energy",
    "shipbuilding",
    "defence industry",
    "critical minerals",
    "hydrogen",
    "infrastructure",
    "space technology",
    "rail transport",
    "vocational training",
)
_REGIONS = (
    "Central Asia",
    "the Gulf",
    "Eastern Europe",
    "Southeast Asia",
    "North Africa",
    "the Balkans",
    "Latin America",
    "East Africa",
)
_AGREEMENT_KINDS = ("Free Trade Agreement", "Defence Cooperation Agreement", "Investment Protection Agreement")
_NEEDS_THE = ("United", "Netherlands", "Philippines")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True)
class Country:
    name: str
    ref: str  # as a sentence names it: "the Netherlands"
    adj: str
    capital: str
    city: str
    leader: str  # "President Aylin Adler"
    ministers: tuple[str, ...]  # "Defence Minister ...", one per portfolio


@dataclass(frozen=True)
class Firm:
    name: str
    home: str
    ceo: str  # "CEO Marek Novak"
    bank: bool


@dataclass(frozen=True)
class Event:
    name: str  # "the 2024 Eurasia Energy Summit"
    city: str
    date: str  # "March 3, 2024"


@dataclass
class _World:
    countries: dict[str, Country] = field(default_factory=dict)
    firms: list[Firm] = field(default_factory=list)
    projects: dict[str, list[str]] = field(default_factory=dict)  # host country -> "the X Bridge"
    programmes: list[str] = field(default_factory=list)
    products: dict[str, list[str]] = field(default_factory=dict)  # maker -> "the KX-210 trainer"
    events: list[Event] = field(default_factory=list)


def _build_world() -> _World:
    # A fixed seed: every corpus describes the same world, only the articles differ.
    rng = random.Random("ties-synthetic-world-1")
    names = _person_names(rng)
    world = _World()
    for name, adj, capital, city in _COUNTRIES:
        leader = rng.choice(("President", "Prime Minister")) + " " + next(names)
        ministers = tuple(f"{title} {next(names)}" for title, _ in _PORTFOLIOS)
        ref = f"the {name}" if name.startswith(_NEEDS_THE) else name
        world.countries[name] = Country(name, ref, adj, capital, city, leader, ministers)
    world.firms = _firms(rng, names)
    places = iter(rng.sample([f"{p} {k}" for p in _PLACE_WORDS for k in _PROJECT_KINDS], 160))
    for name in world.countries:
        world.projects[name] = [f"the {next(places)}" for _ in range(4 if name in HUB_COUNTRIES else 3)]
    world.programmes = [f"the {c} programme" for c in _CODENAMES]
    makers = [f for f in world.firms if not f.bank]
    for i, maker in enumerate(rng.sample(makers, 48)):
        world.products.setdefault(maker.name, []).append(_code_product(rng, _PRODUCT_HEADS[i % len(_PRODUCT_HEADS)]))
    world.events = [
        Event(f"the {year} {theme}", _city(rng), _date(rng, year))
        for theme in _EVENT_THEMES
        for year in range(2019, 2026)
    ]
    return world


def _code_product(rng: random.Random, head: str | None = None) -> str:
    code = f"{rng.choice('KTHSMRAVXZ')}{rng.choice('XRLDTKMA')}-{rng.randint(2, 95) * 10}"
    return f"the {code} {head or rng.choice(_PRODUCT_HEADS)}"


def _person_names(rng: random.Random):
    pairs = [f"{a} {b}" for a in _FIRST for b in _LAST]
    rng.shuffle(pairs)
    used: set[str] = set()
    for pair in pairs:
        # A surname comes back only once every other has been used: a surname alone mostly means one person.
        surname = pair.split()[-1]
        if surname not in used:
            used.add(surname)
            yield pair
        if len(used) == len(_LAST):
            used.clear()


def _firms(rng: random.Random, names) -> list[Firm]:
    invented = {"Meridane Heavy Industries": "South Korea", "Anatex Holding": "Türkiye"}
    homes = [c[0] for c in _COUNTRIES] + list(HUB_COUNTRIES) * 12
    while len(invented) < 108:
        name = f"{rng.choice(_FIRM_ROOTS)} {rng.choice(_FIRM_SUFFIXES)}"
        invented.setdefault(name, rng.choice(homes))
    firms = [*_REAL_FIRMS, *invented.items()]
    title = ("CEO", "Chairman", "Chief Executive")
    return [
        Firm(name, home, f"{rng.choice(title)} {next(names)}", name.endswith(_BANK_SUFFIXES)) for name, home in firms
    ]


def _city(rng: random.Random) -> str:
    country = rng.choice(_COUNTRIES)
    return country[2 + rng.randrange(2)]


def _date(rng: random.Random, year: int) -> str:
    return f"{rng.choice(_MONTHS)} {rng.randint(1, 28)}, {year}"


_WORLD = _build_world()
_FIRMS_BY_NAME = {f.name: f for f in _WORLD.firms}

# --- sentences ----------------------------------------------------------------

# Slots: see _Slots. Each template is one sentence shape.
TEMPLATES = (
    "{firm} signed a contract worth {money} with {ministry} to build {project}.",
    "Under the deal, {firm} will supply {units} units of {product} to {country2} by {later}.",
    "{leader} and {leader2} witnessed the signing of {mou} between the two governments.",
    "The agreement was signed at {event_full}.",
    "{minister} said {project} would create about {jobs} jobs during construction.",
    "Officials in {capital} expect {project} to enter commercial operation in {later}.",
    "{bank} agreed to lend {money} for {project}, according to a statement issued on {date}.",
    "Trade between {country} and {country2} reached {money} last year, up {pct} percent from a year earlier.",
    "Negotiators from both sides hope to conclude talks on {agreement} before the end of {later}.",
    "{firm} and {firm2} have formed a consortium to bid for {project}.",
    "The consortium's offer, valued at {money}, beat a rival bid from {firm3}.",
    "{ceo} told reporters in {city} that the company saw {country2} as a long-term market.",
    "{ceo_surname} added that local suppliers would receive at least {pct} percent of the work.",
    "{university} will train {units} engineers for the project under a separate scheme.",
    "Researchers at {institute} have worked with {firm} on reactor safety since {earlier}.",
    "{org} has described {project} as a model for regional cooperation.",
    "A delegation led by {minister} visited {venue} to see {product} on display.",
    "{product} was first shown to the public at {event_full}.",
    "{firm} is also competing to supply {product} to {country3}.",
    "{country2} became the first foreign customer for {product} in {earlier}.",
    "According to {agency}, the licensing review for {project} should be finished within {months} months.",
    "Construction of {project} began on {date} after years of delays.",
    "{project} is expected to cost {money} in total, making it one of the largest investments in {region}.",
    "Analysts said the deal strengthened the position of {firm} in {region}.",
    "In a joint statement, {country} and {country2} pledged to raise bilateral trade to {money} by {later}.",
    "{leader} arrived in {capital2} on {date} for a {days}-day state visit.",
    "During the visit the two sides signed {count} agreements covering energy, defence and infrastructure.",
    "{leader}'s visit to {capital2} was the first at that level since {earlier}.",
    "{agreement} entered into force on {date}, removing tariffs on most industrial goods.",
    "Exporters in {country} have used {agreement} to expand sales of cars, steel and electronics.",
    "{ministry} said in a statement that it had approved the financing plan for {project}.",
    "Shares of {firm} rose {pct} percent in {city} trading after the announcement.",
    "{firm} reported an order backlog of {money} at the end of {earlier}.",
    "{firm2}, a partner of {firm} since {earlier}, will handle engineering and procurement.",
    "{minister2} said {country2} wanted more technology transfer and local production.",
    "Under the terms of {the_mou}, {country} and {country2} will cooperate on fuel supply, grid upgrades and training.",
    "{country} and {country2} also agreed to set up a joint working group that will meet twice a year.",
    "The next round of talks is scheduled for {event_full}.",
    "{leader_surname} said the partnership with {country2} had entered a new era.",
    '"We are proud to work with our partners in {country2}," {ceo} said.',
    "A spokesperson for {firm} declined to comment on the price.",
    "{firm3} lost a similar tender in {country3} in {earlier}, industry sources said.",
    "The first units are due to leave the {firm} factory in {city2} in {later}.",
    "{bank} and {org} are considering co-financing the second phase of {project}.",
    "Critics in {country2} have questioned the cost of {project}, which has risen to {money}.",
    "{minister} met executives from {firm}, {firm2} and {firm3} at {venue} on {date}.",
    "{programme} was launched by {country} in {earlier} and now involves more than {count} suppliers.",
    "{firm} has supplied components for {programme} since {earlier}.",
    "Engineers from {firm} completed the feasibility study for {project} in {month} {earlier}.",
    "The loan has a maturity of {days} years and is guaranteed by {agency}.",
    "Officials from {ministry2} and {ministry} will sit on the technical committee.",
    "{country} is the {rank} largest trading partner of {country2}, according to {agency}.",
    "{minister2} and {minister} discussed {agreement} on the sidelines of {event_full}.",
    "Workers at {zone} will assemble parts for {product} from {later}.",
    "{ceo} said {firm} had set aside {money} for research with {university}.",
)
# Headlines in sentence case, as wire services write them.
_TITLES = (
    "{firm} wins {money} contract for {project}",
    "{country} and {country2} deepen energy ties",
    "{leader} visits {country2} as trade talks advance",
    "{firm} and {firm2} team up on {project}",
    "{bank} to finance {project}",
    "{country2} orders {product} from {firm}",
    "Talks on {agreement} enter final stage",
    "{event} opens in {event_city}",
    "{country} courts {adj2} investors for {project}",
)
_LEADS = (0, 2, 6, 9, 24, 25)  # templates that can open an article


class _Slots(dict):
    """The words of one sentence, drawn on demand from the article's cast."""

    def __init__(self, rng: random.Random, cast: _Cast) -> None:
        super().__init__()
        self.rng, self.cast = rng, cast
        a, b = cast.countries[:2] if rng.random() < 0.7 else cast.countries[1::-1]
        self.a, self.b = _WORLD.countries[a], _WORLD.countries[b]
        self.firms = rng.sample(cast.firms, 3)

    def __missing__(self, key: str) -> str:
        value = self[key] = self._value(key)
        self.cast.mentioned.add(value)
        return value

    def _value(self, key: str) -> str:
        rng, cast, a, b = self.rng, self.cast, self.a, self.b
        simple = {
            "country": a.ref,
            "country2": b.ref,
            "adj2": b.adj,
            "capital": a.capital,
            "capital2": b.capital,
            "city": a.city,
            "city2": b.city,
            "leader": a.leader,
            "leader2": b.leader,
            "leader_surname": _surname(a.leader, cast),
            "firm": self.firms[0],
            "firm2": self.firms[1],
            "firm3": self.firms[2],
            "agreement": cast.agreement,
            "mou": f"a {cast.mou}",
            "the_mou": f"the {cast.mou}",
            "event": cast.event.name,
            "event_city": cast.event.city,
            "university": cast.university,
            "institute": cast.institute,
            "venue": cast.venue,
            "zone": cast.zone,
            "programme": cast.programme,
        }
        if key in simple:
            return simple[key]
        if key in ("ceo", "ceo_surname"):
            ceo = (cast.newcomers.get(self.firms[0]) or _firm(self.firms[0])).ceo
            return ceo if key == "ceo" else _surname(ceo, cast)
        return _DRAWS[key](rng, cast, a, b)


def _surname(person: str, cast: _Cast) -> str:
    """The surname once the article has named the person in full; the full name before."""
    return person.split()[-1] if person in cast.mentioned else person


def _firm(name: str) -> Firm:
    return _FIRMS_BY_NAME[name]


def _money(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"${rng.randint(11, 99) / 10:.1f} billion"
    if rng.random() < 0.6:
        return f"${rng.randint(12, 950)} million"
    return f"{rng.randint(11, 60) / 10:.1f} billion euros"


def _ministry(rng: random.Random, country: Country) -> str:
    return f"the {country.adj} Ministry of {rng.choice(_PORTFOLIOS)[1]}"


_ORDINALS = ("second", "third", "fourth", "fifth", "sixth", "seventh")
_DRAWS = {
    "money": lambda rng, c, a, b: _money(rng),
    "date": lambda rng, c, a, b: _date(rng, c.year),
    "month": lambda rng, c, a, b: rng.choice(_MONTHS),
    "earlier": lambda rng, c, a, b: str(c.year - rng.randint(1, 9)),
    "later": lambda rng, c, a, b: str(c.year + rng.randint(1, 6)),
    "pct": lambda rng, c, a, b: str(rng.randint(3, 45)),
    "units": lambda rng, c, a, b: str(rng.randint(4, 300)),
    "jobs": lambda rng, c, a, b: f"{rng.randint(2, 40) * 500:,}",
    "months": lambda rng, c, a, b: str(rng.randint(6, 30)),
    "days": lambda rng, c, a, b: str(rng.randint(2, 15)),
    "count": lambda rng, c, a, b: str(rng.randint(3, 40)),
    "rank": lambda rng, c, a, b: rng.choice(_ORDINALS),
    "country3": lambda rng, c, a, b: _WORLD.countries[c.countries[2]].ref,
    "minister": lambda rng, c, a, b: rng.choice(a.ministers),
    "minister2": lambda rng, c, a, b: rng.choice(b.ministers),
    "ministry": lambda rng, c, a, b: _ministry(rng, a),
    "ministry2": lambda rng, c, a, b: _ministry(rng, b),
    "agency": lambda rng, c, a, b: rng.choice(
        (
            f"the {a.adj} Export Credit Agency",
            f"the {a.adj} Nuclear Regulatory Authority",
            f"the {b.adj} Statistics Office",
        )
    ),
    "project": lambda rng, c, a, b: rng.choice(c.projects),
    "product": lambda rng, c, a, b: c.product,
    "bank": lambda rng, c, a, b: c.bank,
    "org": lambda rng, c, a, b: rng.choice(_ORGS),
    "region": lambda rng, c, a, b: rng.choice(_REGIONS),
    "event_full": lambda rng, c, a, b: f"{c.event.name} held in {c.event.city} on {c.event.date}",
}

# --- articles ----------------------------------------------------------------------


@dataclass
class _Cast:
    """Who and what one article is about."""

    year: int
    countries: list[str]
    firms: list[str]
    bank: str
    projects: list[str]
    programme: str
    product: str
    agreement: str
    mou: str
    event: Event
    university: str
    institute: str
    venue: str
    zone: str
    newcomers: dict[str, Firm] = field(default_factory=dict)  # the article's own firms, by name
    mentioned: set[str] = field(default_factory=set)


def _cast(rng: random.Random) -> _Cast:
    countries = _countries(rng)
    a, b = (_WORLD.countries[c] for c in countries[:2])
    firms = _pick_firms(rng, countries)
    newcomer = _newcomer(rng, a.name)
    firms.append(newcomer.name)
    makers = [f for f in firms if f in _WORLD.products] or list(_WORLD.products)
    banks = [f.name for f in _WORLD.firms if f.bank]
    hosted = _WORLD.projects[a.name] + _WORLD.projects[b.name]
    hosted += [f"the {_root(rng)} {rng.choice(_PROJECT_KINDS)}" for _ in range(2)]
    topic = rng.choice(_MOU_TOPICS)
    mou = (
        f"memorandum of understanding on {topic}"
        if rng.random() < 0.6
        else f"Memorandum of Understanding on {topic.title()} Cooperation"
    )
    first, second = sorted(countries[:2]) if rng.random() < 0.5 else countries[:2]
    year = rng.randint(2019, 2025)
    return _Cast(
        year=year,
        countries=countries,
        firms=firms,
        bank=rng.choice(banks),
        projects=rng.sample(hosted, rng.randint(1, 2)),
        programme=rng.choice(_WORLD.programmes),
        product=(rng.choice(_WORLD.products[rng.choice(makers)]) if rng.random() < 0.5 else _code_product(rng)),
        agreement=f"the {first}-{second} {rng.choice(_AGREEMENT_KINDS)}",
        mou=mou,
        event=rng.choice([e for e in _WORLD.events if str(year) in e.date or str(year + 1) in e.date]),
        university=rng.choice((f"the University of {a.city}", f"{b.capital} Technical University")),
        institute=f"the {rng.choice((a.capital, b.city))} Energy Research Institute",
        venue=f"the {rng.choice((a.city, b.capital))} {rng.choice(('Exhibition Centre', 'Convention Center'))}",
        zone=f"the {rng.choice(_PLACE_WORDS)} Industrial Zone",
        newcomers={newcomer.name: newcomer},
    )


def _root(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _newcomer(rng: random.Random, home: str) -> Firm:
    suffix = rng.choice([s for s in _FIRM_SUFFIXES if s not in _BANK_SUFFIXES])
    title, first = rng.choice(("CEO", "Chairman", "Chief Executive")), rng.choice(_FIRST)
    chief = f"{title} {first} {_root(rng)}{rng.choice(_SURNAME_ENDS)}"
    return Firm(f"{_root(rng)} {suffix}", home, chief, False)


def _countries(rng: random.Random) -> list[str]:
    others = [c for c in _WORLD.countries if c not in HUB_COUNTRIES]
    first = HUB_COUNTRIES[0] if rng.random() < 0.5 else rng.choice(others)
    second = HUB_COUNTRIES[1] if rng.random() < 0.45 else rng.choice(others)
    rest = [c for c in others if c not in (first, second)]
    second = second if second != first else rng.choice(rest)
    return [first, second, rng.choice(rest)]


def _pick_firms(rng: random.Random, countries: list[str]) -> list[str]:
    firms = [h for h in HUB_FIRMS if rng.random() < 0.35]
    local = [f.name for f in _WORLD.firms if f.home in countries[:2] and f.name not in HUB_FIRMS and not f.bank]
    anywhere = [f.name for f in _WORLD.firms if f.name not in HUB_FIRMS and not f.bank]
    while len(firms) < 3 or (len(firms) < 5 and rng.random() < 0.5):
        pool = local if local and rng.random() < 0.7 else anywhere
        name = rng.choice(pool)
        if name not in firms:
            firms.append(name)
    return firms


def _article(rng: random.Random) -> str:
    cast = _cast(rng)
    target = rng.randint(300, 900)
    shapes = [i for i in range(len(TEMPLATES)) if i not in _LEADS]
    rng.shuffle(shapes)
    sentences = [_sentence(rng, cast, TEMPLATES[rng.choice(_LEADS)])]
    words = len(sentences[0].split())
    for i in shapes:
        sentence = _sentence(rng, cast, TEMPLATES[i])
        if words + len(sentence.split()) > 880:
            break
        sentences.append(sentence)
        words += len(sentence.split())
        if words >= target:
            break
    title = _sentence(rng, cast, rng.choice(_TITLES)).rstrip(".")
    dateline = f"{_WORLD.countries[cast.countries[0]].capital.upper()}, {_date(rng, cast.year)} - "
    return f"{title}\n\n{dateline}" + "\n\n".join(_paragraphs(rng, sentences)) + "\n"


def _sentence(rng: random.Random, cast: _Cast, template: str) -> str:
    text = template.format_map(_Slots(rng, cast))
    return text[:1].upper() + text[1:]


def _paragraphs(rng: random.Random, sentences: list[str]) -> list[str]:
    out, i = [], 0
    while i < len(sentences):
        size = rng.randint(2, 4)
        out.append(" ".join(sentences[i : i + size]))
        i += size
    return out


def generate(n_docs: int, seed: int = 0) -> list[tuple[str, str]]:
    """N_DOCS articles as (file name, text); the same seed gives the same
    articles, and article i does not depend on how many are asked for."""
    return [(f"synthetic_{seed}_{i:05d}.txt", _article(random.Random(f"{seed}:{i}"))) for i in range(n_docs)]
