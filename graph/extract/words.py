"""English function words: what opens a sentence or joins a phrase but never
starts a name ("The", "During", "Both", "Especially")."""

from __future__ import annotations

import re

__all__ = ["FUNCTION_WORDS", "MONTHS", "LIFE_MARK", "LIFESPAN", "LIFE_DAYS"]

# The months in order, in lower case: dates read them, and a month is never the start of a name.
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)

# A life in brackets after a name (matched at the name's end): a birth, a death or a maiden name
# ("(born 3 May 1950)", "(née Holm)", "(died 1300)"), or years from and to ("(1917–2006)",
# "(4 June 1911 – 19 May 1980)"). Years alone are as often a state's or a firm's ("(1922–1991)");
# days of birth and death (LIFE_DAYS) are a person's.
LIFE_MARK = re.compile(r"\s*\((?:born|b\.|died|d\.|née|nee)\s")
_DAY = r"(?:\d{1,2}\s+[A-Z][a-z]+\s+|[A-Z][a-z]+\s+\d{1,2},\s*)"
LIFESPAN = re.compile(rf"\s*\((?:c\.\s*)?{_DAY}?\d{{3,4}}\s*[-–—]\s*(?:c\.\s*)?{_DAY}?\d{{3,4}}\)")
LIFE_DAYS = re.compile(rf"\s*\({_DAY}\d{{3,4}}\s*[-–—]\s*{_DAY}\d{{3,4}}\)")

FUNCTION_WORDS = frozenset(
    """
a about above according across after afterwards again against all almost alone along already also although always am among
amongst an and another any anyhow anyone anything anyway anywhere are around as at back be became because become
becomes been before beforehand behind being below beside besides between beyond both but by can cannot could did
do does doing done down due during each either else elsewhere enough even ever every everyone everything everywhere
except few first for former formerly from further had has have having he hence her here hereafter hereby herein
him himself his how however i if in indeed instead into is it its itself just last latter latterly least less
many may me meanwhile might mine more moreover most mostly much must my myself namely neither never nevertheless
next no nobody none nor not nothing now nowhere of off often on once one only onto or other others otherwise our
ours ourselves out over own per perhaps rather same second several she should since so some somehow someone
something sometime sometimes somewhere still such than that the their theirs them themselves then thence there
thereafter thereby therefore therein these they third this those though three through throughout thus to together
too toward towards two under unless until up upon us very via was we well were what whatever when whence whenever
where whereafter whereas whereby wherein whether which while whither who whoever whole whom whose why will with
within without would yet you your yours yourself yourselves today yesterday tomorrow later earlier recently
consequently likewise furthermore additionally similarly finally overall ultimately currently notably like unlike
""".split()
)
