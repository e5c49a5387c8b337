"""Values listed in plain English, and a phrase made to start a sentence, worded one way.

The toolkit's messages name a few values ("rows 2, 5, 8 and 11", "codes E01000001, E01000002
and 3 more") with :func:`listed`, give a phrase that opens a sentence or a label its capital
with :func:`capitalised`, and take it away mid-sentence with :func:`lower_first` (which leaves
"A&E", "NHS", "Core20" and "England" as written), so that the subpackages speak one
vocabulary rather than each its own near copy. A message that refuses a name suggests the
known names closest to it with :func:`closest_names`, listed by :func:`quoted_or`
("did you mean 'a', 'b' or 'c'?").

This is our own code because no library lists values in plain English this way: the ones
that join values in words (``humanize.natural_list``, ``inflect``'s ``join``) show every value,
and those that stop after the first few with "and 3 more" neither count the rest from a total
the caller knows nor leave out the final "and"; thirty lines are not worth a dependency. It
imports nothing from :mod:`toolkit`, so any subpackage may use it without an import cycle.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

__all__ = ["PROPER_NOUNS", "capitalised", "closest_names", "listed", "lower_first", "quoted_or"]


def listed(
    values: Iterable[object],
    *,
    most: int = 5,
    total: int | None = None,
    quote: bool = False,
    final_and: bool = True,
    sep: str = ", ",
    last_sep: str | None = None,
) -> str:
    """List values in words, the first few then how many more.

    Parameters
    ----------
    values : iterable
        The values, in the order to show them. A set should be sorted by the caller.
    most : int, default 5
        How many values to show; the rest are counted ("and 3 more").
    total : int, optional
        How many values there are in all, when ``values`` holds only the first of them (a
        report that keeps the first 20 rows left out of 34). The "and N more" counts from it.
        By default, ``len(values)``.
    quote : bool, default False
        Show each value as its ``repr`` (``'North'``), not as ``str`` (``North``).
    final_and : bool, default True
        Join the last of a short list with "and" ("2, 5 and 8"); with False, with ``sep``
        like the others ("2, 5, 8"). A list cut short ends "and N more" either way.
    sep : str, default ", "
        What separates the values. With any other separator (``"; "`` between values that hold
        commas of their own) the "and" follows it: "row 5: 3; row 7: 4; and 2 more".
    last_sep : str, optional
        What comes before the last value or the "N more", "and" included, when it is not the
        one ``sep`` implies: ``" and "`` after series joined by ``"; "`` ("place='North';
        place='South' and 3 more"), ``"; and "`` after rows joined by ``", "`` ("rows 2, 3,
        4, 5, 6; and 7 more").

    Returns
    -------
    str
        The values in words; empty when there are none.

    Raises
    ------
    ValueError
        When ``total`` is fewer than the values given, or ``most`` is below 1.

    Examples
    --------
    >>> listed([2, 5, 8, 11])
    '2, 5, 8 and 11'
    >>> listed(range(1, 9))
    '1, 2, 3, 4, 5 and 3 more'
    >>> listed(["b", "a"], quote=True, final_and=False)
    "'b', 'a'"
    >>> listed([2, 3, 4, 5, 6], total=34)
    '2, 3, 4, 5, 6 and 29 more'
    >>> listed(["a=1", "a=2"], total=5, sep="; ", last_sep=" and ", final_and=False)
    'a=1; a=2 and 3 more'
    """
    words = [repr(value) if quote else str(value) for value in values]
    count = len(words) if total is None else total
    if count < len(words):
        raise ValueError(f"total ({total}) is fewer than the {len(words)} values given")
    if most < 1:
        raise ValueError(f"most must be at least 1, not {most}")
    if last_sep is not None:
        and_ = last_sep
    else:
        and_ = " and " if sep == ", " else f"{sep}and "
    shown = words[:most]
    if count > len(shown):
        more = f"{count - len(shown):,} more"
        return sep.join(shown) + f"{and_}{more}" if shown else more
    if final_and and len(shown) > 1:
        return sep.join(shown[:-1]) + and_ + shown[-1]
    return sep.join(shown)


def capitalised(text: str) -> str:
    """Return text with its first letter upper case and the rest as written.

    Unlike :meth:`str.capitalize`, which lowers every other letter, the rest is kept, so
    names and acronyms inside the phrase stay as they are.

    Parameters
    ----------
    text : str
        A phrase written to be read mid-sentence ("admissions for COPD").

    Returns
    -------
    str
        The phrase to start a sentence or a label with ("Admissions for COPD"); empty text
        stays empty.

    Examples
    --------
    >>> capitalised("admissions for COPD")
    'Admissions for COPD'
    """
    return text[:1].upper() + text[1:]


#: Proper nouns a phrase may start with that keep their capital mid-sentence ("England's
#: most deprived fifth"). Acronyms ("NHS", "COPD") and names with a digit after a letter
#: ("Core20") are kept without being listed.
PROPER_NOUNS: frozenset[str] = frozenset(
    {
        # Countries, nations and regions
        "Britain", "British", "England", "English", "Europe", "European", "Ireland", "Irish",
        "Scotland", "Scottish", "Wales", "Welsh", "London", "North", "South", "East", "West",
        # Ethnic groups (the Census 2021 categories' first words)
        "African", "Arab", "Asian", "Bangladeshi", "Black", "Caribbean", "Chinese", "Gypsy",
        "Indian", "Pakistani", "Roma", "Traveller", "Travellers", "White",
        # Conditions named after people ("Parkinson's disease")
        "Alzheimer", "Crohn", "Huntington", "Parkinson",
        # The pronoun
        "I",
    }
)  # fmt: skip


def _keeps_capital(word: str) -> bool:
    """Whether a first word is written the same mid-sentence: an abbreviation or a name."""
    if any(letter.isupper() for letter in word[1:]) or "&" in word:
        return True  # "NHS", "GPs", "eFI", "COVID-19", "Core20PLUS5", "A&E"
    if any(a.isalpha() and b.isdigit() for a, b in zip(word, word[1:], strict=False)):
        return True  # a name or code with a digit after a letter: "Core20", "B12"
    if word[:1].isdigit():
        return True  # "5A": nothing to lower
    # "England's" -> "England"; "English-speaking" -> "English"
    name = re.sub(r"(?:['\u2019]s)?\W*$", "", word.split("-", 1)[0])
    return name in PROPER_NOUNS


def lower_first(text: str) -> str:
    """Return text with its first letter lower case, unless its first word keeps its capital.

    The first word (up to the first space) keeps its capital when it is an abbreviation, a
    name or a proper noun, written the same mid-sentence: a letter after its first is a
    capital ("NHS", "GPs", "eFI", "COVID-19"), it holds "&" ("A&E"), a digit follows a
    letter ("Core20"), it starts with a digit ("5A"), or it is one of
    :data:`PROPER_NOUNS` ("England", "England's"). A digit after a hyphen does not make a
    name: "Over-75s" is lowered ("over-75s"). The rest of the text is kept as written.

    Parameters
    ----------
    text : str
        A phrase written to start a sentence or a label ("Emergency admissions").

    Returns
    -------
    str
        The phrase to use mid-sentence ("emergency admissions", "over-75s living alone");
        "A&E attendances", "NHS Health Check", "Core20 neighbourhoods" and "England's most
        deprived fifth" as written; empty text stays empty.

    Examples
    --------
    >>> lower_first("People with COPD")
    'people with COPD'
    >>> lower_first("A&E attendances")
    'A&E attendances'
    >>> lower_first("Over-75s living alone")
    'over-75s living alone'
    >>> lower_first("England's most deprived fifth")
    "England's most deprived fifth"
    """
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if _keeps_capital(first):
        return text
    return text[:1].lower() + text[1:]


def quoted_or(names: Sequence[str]) -> str:
    """Return quoted names joined as a reader lists them: 'a', 'b' or 'c'.

    Parameters
    ----------
    names : sequence of str
        The names, at least one, in the order to give them.

    Returns
    -------
    str
        Each name in single quotes, the last after "or".

    Examples
    --------
    >>> quoted_or(["a"]), quoted_or(["a", "b", "c"])
    ("'a'", "'a', 'b' or 'c'")
    """
    quoted = [f"'{name}'" for name in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _name_words(name: str) -> frozenset[str]:
    """Return the lower-case words of an id or field name (split at ``_``, ``:``, ``-``)."""
    return frozenset(word for word in re.split(r"[_:\s-]+", name.lower()) if word)


def closest_names(word: str, choices: Sequence[str]) -> list[str]:
    """Return the known names closest to a word, best first (at most three; none if none is).

    In order: the names holding every word of ``word`` (``falls_admissions`` ->
    ``emergency_admissions_falls``), those with the fewest other words first; a near-identical
    spelling (a typo); the longest names whose words are all in ``word``
    (``emergency_admissions_for_falls`` -> ``emergency_admissions_falls``); then the closest
    spelling.

    Parameters
    ----------
    word : str
        The name given (an id, a field or a column), not among ``choices``.
    choices : sequence of str
        The names known.

    Returns
    -------
    list of str
        Up to three of ``choices``, best first; empty when none is close.

    Examples
    --------
    >>> closest_names("falls_admissions", ["emergency_admissions_falls", "deaths"])
    ['emergency_admissions_falls']
    """
    wanted = _name_words(word)
    if wanted:
        holding = [name for name in choices if wanted <= _name_words(name)]
        if holding:
            fewest = min(len(_name_words(name) - wanted) for name in holding)
            return [name for name in holding if len(_name_words(name) - wanted) == fewest][:3]
    typo = difflib.get_close_matches(word, choices, n=1, cutoff=0.85)
    if typo:
        return typo
    within = [name for name in choices if _name_words(name) and _name_words(name) <= wanted]
    if within:
        most = max(len(_name_words(name)) for name in within)
        return [name for name in within if len(_name_words(name)) == most][:3]
    return difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
